using System.Security.Cryptography;
using Cheeseshop.Tests.Infrastructure;
using Cheeseshop.Tests.Legal;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Admin;

/// <summary>
/// A legal request worked end to end from /admin/legal, as the `legal` CLI works it: recorded (bad input refused,
/// nothing recorded), listed with its deadline, scope, holds and notices, its package produced and downloaded
/// (the nine categories in the manifest, the hash the index records, no copy left on the server), then closed
/// (holds released, notice sent). Every step is in the request's audit trail under the administrator's name.
/// </summary>
public sealed class AdminLegalTests(ServerFixture servers, ITestOutputHelper output) : AdminTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Admin_creates_produces_downloads_and_closes_a_request(Database db)
    {
        var server = await ServerAsync(db);
        var subject = Unique("suspect", db);
        await server.CreateUserAsync(subject, Password);
        var adminName = Unique("counsel", db);
        using var admin = await AdminBrowserAsync(server, adminName, "203.0.113.110");
        var reference = "GJ-" + Guid.NewGuid().ToString("N")[..6];
        var fields = Form(("kind", "subpoena"), ("authority", "A Court"), ("reference", reference), ("received", Day(Today)),
            ("due", Day(Today.AddDays(-3))), ("subjects", subject), ("from", ""), ("to", ""), ("nondisclosure_until", ""), ("note", ""));

        var refused = await admin.SubmitAsync("/admin/legal", fields, "/admin/legal?handler=Create");
        AssertStatus(400, refused, "a request due before it was received");
        AssertContains("--due", refused, "the reason names the date that is wrong");
        AssertEqual(0, await server.WithDbAsync(d => d.LegalRequests.CountAsync(r => r.Reference == reference)), "requests recorded by the refused form");

        fields["due"] = Day(Today.AddDays(20));
        var created = await admin.SubmitAsync("/admin/legal", fields, "/admin/legal?handler=Create");
        AssertRedirect(created, "/admin/legal/", "recording the request");
        var page = created.Location!;
        var id = long.Parse(page.TrimEnd('/').Split('/')[^1]);
        var shown = await admin.GetAsync(page);
        AssertStatus(200, shown, "the request's page");
        AssertContains($"{Day(Today.AddDays(20))} (20 days left)", shown, "the deadline");
        AssertContains("the beginning to the time of production", shown, "the scope");
        AssertContains($"{subject}: active", shown, "the subject's hold");
        AssertContains("notice when the request is closed", shown, "the notice status");
        var list = await admin.GetAsync("/admin/legal");
        Assert.Contains($"href=\"/admin/legal/{id}\"", list.Html);
        AssertContains("1 active", list, "the list's holds");
        AssertStatus(404, await admin.GetAsync("/admin/legal/999999"), "a request that does not exist");

        var (response, zip) = await DownloadAsync(server, admin, page, "Produce");
        using (response)
        {
            AssertEqual(200, (int)response.StatusCode, "producing the package");
            AssertEqual("application/zip", response.Content.Headers.ContentType?.MediaType, "the package's type");
            Assert.StartsWith($"legal-request-{id}-", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        }
        var package = new DisclosurePackage(zip);
        AssertEqual(id, package.Request.GetProperty("id").GetInt64(), "the package's request id");
        Assert.Equal(["names", "addresses", "connection-records", "sessions", "length-of-service", "instrument-numbers", "payment", "packages", "download-logs"],
            package.Subject(subject).GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("key").GetString()!).ToList());
        var sha = Convert.ToHexStringLower(SHA256.HashData(zip));
        AssertContains(sha, await admin.GetAsync(page), "the produced package's hash on the request's page");
        Assert.Empty(Directory.GetFiles(server.DataDir, $"legal-{id}-*", SearchOption.AllDirectories));

        AssertStatus(400, await SubmitHandlerAsync(admin, page, "Close", Form(("outcome", "sideways"))), "closing with an unknown outcome");
        AssertRedirect(await SubmitHandlerAsync(admin, page, "Close", Form(("outcome", "produced"), ("note", "sent by courier"))), page.TrimEnd('/'), "closing the request");
        var closed = await admin.GetAsync(page);
        AssertContains($"by {adminName}: produced (sent by courier)", closed, "the closed status");
        AssertContains($"released", closed, "the released hold");
        AssertContains($"{subject}: notice sent", closed, "the notice");
        Assert.DoesNotContain("Produce and download", closed.Html);

        var trail = await server.WithDbAsync(d => d.AdminAudit.Where(a => a.Subject == $"legal:{id}").OrderBy(a => a.Id).Select(a => new { a.Action, a.Actor }).ToListAsync());
        foreach (var action in new[] { "legal.create", "legal.show", "legal.produce", "legal.close", "legal.release" })
            Assert.Contains(trail, a => a.Action == action && a.Actor == adminName);
    }
}
