using Cheeseshop.Fuzz;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Fuzz;

/// <summary>
/// Every saved fuzzing input (fuzz/corpus: the seeds, what fuzzing found worth keeping, and every input
/// that once crashed or hung a parser) goes through its target again: each must end in the parser's own
/// refusal or a result, within a few seconds. scripts/fuzz.sh finds new ones.
/// </summary>
public sealed class CorpusReplayTests
{
    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        var corpus = Path.Combine(RepositoryRoot.Path, "fuzz", "corpus");
        foreach (var dir in Directory.GetDirectories(corpus).Order(StringComparer.Ordinal))
            foreach (var file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
                data.Add(Path.GetFileName(dir), Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void Every_target_has_a_corpus_and_every_corpus_a_target()
    {
        var corpus = Directory.GetDirectories(Path.Combine(RepositoryRoot.Path, "fuzz", "corpus")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(FuzzTargets.All.Keys.Order().ToList(), corpus);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task A_saved_input_is_refused_or_parsed_in_time(string target, string file)
    {
        var input = await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Path, "fuzz", "corpus", target, file));
        var run = Task.Run(() => FuzzTargets.All[target](input));
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(finished == run, $"{target}/{file} did not finish within 10 s");
        await run;
    }
}
