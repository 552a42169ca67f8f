using Cheeseshop.Core.Disclosure;

namespace Cheeseshop.Core.Tests.Disclosure;

public class LegalRequestDraftTests
{
    private static LegalRequestDraft Parse(string kind = "subpoena", string? authority = "DoJ", string received = "2026-07-01", string due = "2026-07-31",
        string[]? subjects = null, string? from = null, string? to = null, string[]? categories = null, string? order = null) =>
        LegalRequestDraft.Parse(kind, authority, "R-1", received, due, subjects ?? ["alice"], from, to, categories, order, null);

    [Fact]
    public void A_valid_request_parses_with_all_nine_categories_by_default()
    {
        var d = Parse(from: "2026-01-01", to: "2026-06-30", order: "2026-12-31");
        Assert.Equal("subpoena", d.Kind);
        Assert.Equal(9, d.Categories.Count);
        Assert.Equal(new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc), d.ScopeTo);
        Assert.Equal(new DateTime(2026, 12, 31, 0, 0, 0, DateTimeKind.Utc), d.NondisclosureUntil);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_naming_its_option()
    {
        var e = Assert.Throws<DisclosureInputException>(() => Parse(kind: "letter", authority: " ", due: "2026-06-30", subjects: ["bob", "BOB"], categories: ["cookies"]));
        var lines = e.Message.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("--kind 'letter'"));
        Assert.Contains(lines, l => l.StartsWith("--authority is required"));
        Assert.Contains(lines, l => l == "--due 2026-06-30 is before --received 2026-07-01.");
        Assert.Contains(lines, l => l.StartsWith("--subject 'bob' is given more than once"));
        Assert.Contains(lines, l => l.StartsWith("--category 'cookies'"));
    }

    [Fact]
    public void An_empty_scope_and_a_missing_subject_are_refused()
    {
        Assert.Contains("the scope would be empty", Assert.Throws<DisclosureInputException>(() => Parse(from: "2026-05-01", to: "2026-04-30")).Message);
        Assert.Contains("at least one --subject", Assert.Throws<DisclosureInputException>(() => Parse(subjects: [])).Message);
        Assert.Contains("control characters", Assert.Throws<DisclosureInputException>(() => Parse(authority: "line\nbreak")).Message);
    }
}
