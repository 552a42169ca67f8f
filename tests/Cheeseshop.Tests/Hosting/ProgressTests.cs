using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Hosting;

/// <summary>
/// Progress of the long admin verbs, as the program itself shows it: one line per step on stderr when
/// stderr is not a terminal (stdout keeps the result alone), a Spectre.Console bar on a terminal (a
/// pseudo-terminal made by util-linux's `script`).
/// </summary>
public sealed class ProgressTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    [Fact]
    public async Task Without_a_terminal_each_step_is_one_line_on_stderr()
    {
        var server = await ServerAsync(Database.Sqlite);
        await UploadAsync(server, await SharedTokenAsync(server), await BuildAsync("cheese-alpha", "1.0", "-pg1"));
        var backup = Path.Combine(TempPaths.NewDirectory("backups"), "b.tar");
        var written = Logged(await server.RunCliProcessAsync("backup", "--out", backup));
        AssertSucceeded(written, "backup");
        Assert.Matches(@"(?m)^backup: database snapshot$", written.Stderr);
        Assert.Matches(@"(?m)^backup: files (\d+)/\1$", written.Stderr);
        Assert.DoesNotContain("backup:", written.Stdout);
        Assert.DoesNotContain("\u001b[", written.Stderr);

        var retention = Logged(await server.RunCliProcessAsync("retention", "run"));
        AssertSucceeded(retention, "retention run");
        Assert.Matches(@"(?m)^retention: raw_ip_address$", retention.Stderr);
        var rollup = Logged(await server.RunCliProcessAsync("stats", "rollup"));
        AssertSucceeded(rollup, "stats rollup");
        Assert.Matches(@"(?m)^rollup: (days \d+/\d+|nothing to do)$", rollup.Stderr);
    }

    [Fact]
    public async Task On_a_terminal_a_bar_shows_the_steps()
    {
        var server = await ServerAsync(Database.Sqlite);
        await UploadAsync(server, await SharedTokenAsync(server), await BuildAsync("cheese-alpha", "1.0", "-pg2"));
        var backup = Path.Combine(TempPaths.NewDirectory("backups"), "b.tar");
        var command = string.Join(" ", new[] { ServerBinary.DotnetHost, ServerBinary.Path, "backup", "--out", backup, "--data-dir", server.DataDir }
            .Select(a => "'" + a.Replace("'", "'\\''") + "'"));
        var result = Logged(await ProcessRunner.RunAsync("script", ["-qefc", command, "/dev/null"],
            new Dictionary<string, string?> { ["TERM"] = "xterm-256color", ["COLUMNS"] = "120" }, timeout: TimeSpan.FromMinutes(2)));
        AssertSucceeded(result, "backup on a pseudo-terminal");
        Assert.Contains("\u001b[", result.Stdout);
        Assert.Contains("backup: files", result.Stdout);
        Assert.Contains("━", result.Stdout);
        Assert.True(File.Exists(backup), "the backup was written");
    }
}
