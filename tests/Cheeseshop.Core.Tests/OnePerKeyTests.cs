using Cheeseshop.Core;

namespace Cheeseshop.Core.Tests;

public sealed class OnePerKeyTests
{
    public static TheoryData<string[], string[], string[]> Cases => new()
    {
        // keys, handler keys, problems
        { ["a", "b"], ["b", "a"], [] },
        { ["a", "b"], ["a"], ["class 'b' has no task."] },
        { ["a", "b"], ["a", "b", "b"], ["class 'b' has 2 tasks."] },
        { ["a"], ["a", "z"], ["A task names 'z', which is not a class."] },
        { ["a", "b"], ["z"], ["class 'a' has no task.", "class 'b' has no task.", "A task names 'z', which is not a class."] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Finds_keys_without_one_handler_and_handlers_without_a_key(string[] keys, string[] handlers, string[] problems)
    {
        Assert.Equal(problems, OnePerKey.Problems(keys, handlers, "class", "task"));
        if (problems.Length == 0) OnePerKey.Require(keys, handlers, "class", "task");
        else Assert.Equal(string.Join(" ", problems), Assert.Throws<InvalidOperationException>(() => OnePerKey.Require(keys, handlers, "class", "task")).Message);
    }
}
