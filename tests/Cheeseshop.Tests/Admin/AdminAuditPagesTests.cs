using System.Text.RegularExpressions;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Admin;

/// <summary>/admin/audit shows the admin audit log newest first, a page at a time, with the administrator's name on
/// what was done from the pages; /admin/retention shows the policy and what the last run erased.</summary>
public sealed class AdminAuditPagesTests(ServerFixture servers, ITestOutputHelper output) : AdminTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Audit_log_and_retention_pages(Database db)
    {
        var server = await ServerAsync(db);
        var adminName = Unique("auditor", db);
        using var admin = await AdminBrowserAsync(server, adminName, "203.0.113.120");
        // Each look at the legal requests is itself an audit entry: enough of them fill more than one page.
        for (var i = 0; i < 51; i++) AssertStatus(200, await admin.GetAsync("/admin/legal"), "the legal requests page");
        var banned = Unique("audited-name", db);
        AssertRedirect(await SubmitHandlerAsync(admin, "/admin/", "Prohibit", Form(("name", banned), ("reason", "squatting"))), "/admin", "prohibiting a name");

        var first = await admin.GetAsync("/admin/audit");
        AssertStatus(200, first, "the audit log");
        var rows = Regex.Matches(first.Html, "<tr>\\s*<td><time[^>]*>[^<]*</time></td>\\s*<td>([^<]*)</td>\\s*<td>([^<]*)</td>\\s*<td>([^<]*)</td>")
            .Select(m => (Actor: m.Groups[1].Value, Action: m.Groups[2].Value, Subject: System.Net.WebUtility.HtmlDecode(m.Groups[3].Value))).ToList();
        AssertEqual(50, rows.Count, "rows on the first page");
        AssertEqual((adminName, "project.prohibit", banned), rows[0], "the newest entry, first");
        AssertEqual((adminName, "legal.list", "—"), rows[1], "the entry before it");
        Assert.Contains("href=\"?page=2\"", first.Html);
        var second = await admin.GetAsync("/admin/audit?page=2");
        AssertContains("Page 2 of", second, "the second page");
        AssertContains("legal.list", second, "older entries on the second page");

        var run = await server.RunCliAsync("retention", "run");
        Assert.True(run.Succeeded, run.ToString());
        var retention = await admin.GetAsync("/admin/retention");
        AssertStatus(200, retention, "the retention page");
        AssertContains("admin_audit", retention, "the policy's classes");
        AssertContains("cli:", retention, "the run by the CLI");
        Assert.DoesNotContain("Retention has not run yet", retention.Html);
        AssertContains("retention.run", await admin.GetAsync("/admin/audit"), "the run in the audit log");

        using var anonymous = new Accounts.Browser(server, "203.0.113.121");
        AssertStatus(404, await anonymous.GetAsync("/admin/audit"), "the audit log without signing in");
        AssertStatus(404, await anonymous.GetAsync("/admin/retention"), "the retention page without signing in");
    }
}
