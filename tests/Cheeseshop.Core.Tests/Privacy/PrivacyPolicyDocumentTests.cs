using Cheeseshop.Core.Privacy;

namespace Cheeseshop.Core.Tests.Privacy;

/// <summary>docs/privacy.md is the policy users read; RetentionPolicy.Defaults is what the server does.
/// They must say the same thing.</summary>
public class PrivacyPolicyDocumentTests
{
    private static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void The_published_retention_table_equals_the_defaults()
    {
        var rows = File.ReadAllLines(RepositoryFile("docs/privacy.md"))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .Select(c => (Key: c[1].Trim('`'), What: c[2], Days: c[3], Clock: c[4]))
            .ToList();
        Assert.Equal(RetentionPolicy.Defaults.Select(r => r.Key), rows.Select(r => r.Key));
        foreach (var (rule, row) in RetentionPolicy.Defaults.Zip(rows))
        {
            Assert.Equal(rule.What, row.What);
            Assert.Equal(rule.Days is { } d ? $"{d} days" : "kept", row.Days);
            Assert.Equal(rule.Clock, row.Clock);
        }
    }

    [Fact]
    public void Overrides_change_durations_and_unknown_classes_are_refused()
    {
        var rules = RetentionPolicy.Configure(new Dictionary<string, int> { [RetentionPolicy.RawIpAddress] = 7 });
        Assert.Equal(7, rules.Single(r => r.Key == RetentionPolicy.RawIpAddress).Days);
        Assert.Throws<ArgumentException>(() => RetentionPolicy.Configure(new Dictionary<string, int> { ["no_such_class"] = 7 }));
        Assert.Throws<ArgumentException>(() => RetentionPolicy.Configure(new Dictionary<string, int> { [RetentionPolicy.UserEvents] = 0 }));
    }
}
