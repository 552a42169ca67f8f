using System.Text.Json;
using Cheeseshop.Core.Disclosure;

namespace Cheeseshop.Core.Tests.Disclosure;

public class NoticeAndManifestTests
{
    private static readonly DateTime Received = new(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_notice_names_the_kind_authority_date_and_categories_and_says_when_an_order_delayed_it()
    {
        var facts = new NoticeFacts("alice", "subpoena", "US DoJ", Received, "produced", ["names", "sessions"], new DateTime(2026, 9, 1, 0, 0, 0, DateTimeKind.Utc), "Idx", "https://idx.example/manage/account/data");
        var body = NoticeText.Body(facts);
        Assert.Equal("A legal request concerning your account", NoticeText.Subject(facts));
        Assert.Contains("On 2026-07-01 Idx received a subpoena from US DoJ concerning your account.", body);
        Assert.Contains("Names (including subscriber names, user names, and screen names) (names)", body);
        Assert.Contains("(sessions)", body);
        Assert.DoesNotContain("(payment)", body);
        Assert.Contains("an order forbade it until 2026-09-01", body);
        Assert.Contains("https://idx.example/manage/account/data", body);
        var withdrawn = NoticeText.Body(facts with { Outcome = "withdrawn", CategoriesDisclosed = [], DelayedUntil = null });
        Assert.Contains("withdrawn. Nothing was disclosed", withdrawn);
        Assert.DoesNotContain("forbade", withdrawn);
        Assert.Equal("A copy of your account's data was produced", NoticeText.Subject(facts with { Kind = "data-subject" }));
    }

    [Fact]
    public void The_manifest_lists_the_request_and_every_category_in_a_fixed_form()
    {
        var manifest = new DisclosureManifest(
            new ManifestRequest(7, "subpoena", "DoJ", "R-1", Received, Received.AddDays(30), Received.AddDays(-365), null, ["names"]),
            Received.AddHours(12), "Idx", "https://idx.example/",
            [new ManifestSubject("alice", Guid.Empty, "subjects/01-alice", Categories.All.Select(c => new ManifestCategory(c, c.Key == "names", c.Key == "names",
                c.Key == "names" ? "Held." : CategoryStatements.NotRequested, c.Key == "names" ? [new PackageFile("subjects/01-alice/01-names/account.csv", new string('0', 64), 1)] : [])).ToList())],
            new PackageFile("report.html", new string('1', 64), 0));
        var bytes = manifest.ToJson();
        Assert.Equal(bytes, manifest.ToJson());
        var root = JsonDocument.Parse(bytes).RootElement;
        Assert.Equal(["schema_version", "request", "produced_at", "instance", "report", "format_notes", "subjects"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-07-01T12:00:00.000000Z", root.GetProperty("produced_at").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("request").GetProperty("scope").GetProperty("to").ValueKind);
        var categories = root.GetProperty("subjects")[0].GetProperty("categories");
        Assert.Equal(9, categories.GetArrayLength());
        Assert.Equal(["key", "title", "requested", "held", "statement", "files"], categories[0].EnumerateObject().Select(p => p.Name));
        Assert.False(categories[6].GetProperty("requested").GetBoolean());
        Assert.Equal(0, categories[6].GetProperty("files").GetArrayLength());
    }

    [Fact]
    public void Fixed_statements_are_always_made()
    {
        var windows = new RetentionWindows(730, 90, 730, 30, 180);
        Assert.Contains(CategoryStatements.NoDisplayNameHistory, CategoryStatements.Names(0));
        Assert.Contains(CategoryStatements.NoPostalAddress, CategoryStatements.Addresses(1, 0, 0, windows));
        Assert.StartsWith(CategoryStatements.NoSessionDurations, CategoryStatements.Sessions(0, 0));
        Assert.Equal(CategoryStatements.DownloadLogsHoldNoIp + " " + CategoryStatements.NoDownloadRecords, CategoryStatements.DownloadLogs(false, 0, 0, windows));
        Assert.StartsWith(CategoryStatements.DownloadLogsHoldNoIp, CategoryStatements.DownloadLogs(true, 12, 2, windows));
        Assert.Contains("180 days", CategoryStatements.DownloadLogs(true, 12, 2, windows));
        Assert.Contains("30 days after last seen", CategoryStatements.InstrumentNumbers(1, 1, true, windows));
    }
}
