using System.Text.Json;
using Cheeseshop.Core.Disclosure;

namespace Cheeseshop.Core.Tests.Disclosure;

public class TransparencyReportTests
{
    private static readonly DateTime AsOf = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    private static TransparencyRequest R(long id, string kind, DateTime received, string? outcome, string[] accounts, int notified = 0, int delayed = 0,
        DateTime? order = null, string[]? categories = null) =>
        new(id, kind, "Authority " + id, received, outcome is null ? null : received.AddDays(10), outcome, order, accounts, notified, delayed, categories ?? []);

    [Fact]
    public void Counts_per_half_year_and_kind_and_lists_only_what_may_be_listed()
    {
        var july = new DateTime(2026, 7, 5, 0, 0, 0, DateTimeKind.Utc);
        var report = TransparencyReport.Build(
        [
            R(1, "subpoena", july, "produced", ["u1", "u2"], notified: 2, categories: ["names"]),
            R(2, "subpoena", july.AddDays(1), "partial", ["u2"], notified: 1),
            R(3, "court-order", july.AddDays(2), null, ["u3"], order: AsOf.AddDays(30)),
            R(4, "court-order", july.AddDays(3), "none", ["u3"], delayed: 1, notified: 1, order: AsOf.AddDays(-1)),
            R(5, "preservation", july.AddDays(4), "withdrawn", ["u1"], notified: 1),
            R(6, "data-subject", july.AddDays(5), "produced", ["u4"], notified: 1),
            R(7, "subpoena", new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc), "produced", ["u9"]),
        ], AsOf, null, "Test Index");

        Assert.Equal(["2026-H2", "2026-H1"], report.Periods.Select(p => p.Period.ToString()));
        var h2 = report.Periods[0];
        Assert.Equal([6, 2, 1, 1, 1, 1, 4, 6, 1], TransparencyReport.Values(h2.Totals));
        var subpoenas = h2.ByKind.Single(k => k.Kind == "subpoena");
        Assert.Equal([2, 1, 1, 0, 0, 0, 2, 3, 0], TransparencyReport.Values(subpoenas));
        Assert.Equal(1, h2.PreservationRequests);
        Assert.Equal(1, h2.UnderOrder);
        // Request 3 (under an order) and 6 (a user's own) are counted above but not listed.
        Assert.Equal(["Authority 1", "Authority 2", "Authority 4", "Authority 5"], h2.Items.Select(i => i.Authority));
        Assert.Equal("answered in part", h2.Items[1].Status);

        var json = JsonDocument.Parse(TransparencyFormats.Json(report)).RootElement;
        Assert.DoesNotContain("Authority 3", json.GetRawText());
        Assert.Equal(6, json.GetProperty("periods")[0].GetProperty("totals").GetProperty("received").GetInt32());
        var md = TransparencyFormats.Markdown(report);
        Assert.Contains("| **All** | 6 | 2 | 1 | 1 | 1 | 1 | 4 | 6 | 1 |", md);
        var html = TransparencyFormats.HtmlDocument(report);
        Assert.DoesNotContain("Authority 3", html);
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public void A_chosen_half_year_is_shown_even_when_empty_and_authorities_are_escaped()
    {
        var report = TransparencyReport.Build([R(1, "other", new DateTime(2026, 8, 1, 0, 0, 0, DateTimeKind.Utc), "none", ["a"]) with { Authority = "<b>Court</b> | X" }],
            AsOf, HalfYear.Parse("2026-H2"), "Idx");
        Assert.Contains("&lt;b&gt;Court&lt;/b&gt;", TransparencyFormats.HtmlFragment(report));
        Assert.Contains("<b>Court</b> \\| X", TransparencyFormats.Markdown(report));
        var empty = TransparencyReport.Build([], AsOf, HalfYear.Parse("2025-H1"), "Idx");
        Assert.Equal(0, Assert.Single(empty.Periods).Totals.Received);
    }
}
