using System.Security.Cryptography;
using Cheeseshop.Tests.Accounts;
using Cheeseshop.Tests.Infrastructure;
using static Cheeseshop.Tests.Legal.DisclosurePackage;

namespace Cheeseshop.Tests.Legal;

/// <summary>
/// The whole life of a subpoena over real HTTP and the real CLI: a user registers through the pages and
/// uploads with twine through a proxy that sets X-Forwarded-For; another user invites them to a project;
/// a subpoena is recorded, retention runs under its hold and keeps the addresses; the package is
/// produced twice (byte-identical), checked category by category and scanned for secrets and for the
/// other user's data; the request is closed and the notice is in the outbox; retention then erases the
/// addresses, and a new package says they were erased.
/// </summary>
public sealed class SubpoenaEndToEndTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_subpoena_holds_produces_notifies_and_the_erased_address_is_stated_afterwards(Database db)
    {
        var server = await ServerAsync(db);
        var alice = Unique("alice", db);
        var bob = Unique("bob", db);
        var aliceEmail = $"{alice}@example.org";
        var bobEmail = $"{bob}@example.invalid";
        const string aliceWeb = "203.0.113.50", aliceUpload = "198.51.100.23", bobWeb = "203.0.113.60";

        // Alice: registers, signs in again, turns on two-factor, makes a token on the page.
        using var browser = new Browser(server, aliceWeb);
        await RegisterAsync(browser, alice, aliceEmail);
        await VerifyEmailAsync(server, browser, aliceEmail);
        await LogoutAsync(browser);
        await SignedInAsync(browser, alice);
        var (totpSecret, recoveryCodes) = await EnableTotpAsync(browser);
        var token = await CreateTokenOnPageAsync(browser, "laptop upload");
        var session = SessionCookie(server, browser);

        // ... and uploads with twine, through a proxy that says the client is aliceUpload.
        var built = await BuildAsync("cheese-alpha", "1.0.0", "-" + alice.Replace("-", ""));
        await using (var proxy = new ForwardingProxy(server.BaseUrl, aliceUpload))
            AssertSucceeded(Logged(await PythonTools.TwineUploadAsync(proxy.UploadUrl, "__token__", token, built.Files)), "twine upload through the proxy");

        // Bob owns another project and invites Alice to it; she accepts. Bob's address is on that invitation event of Alice's account.
        var bobProject = Unique("bobs-proj", db);
        await RoleTests.CreateProjectAsync(server, bob, bobProject);
        using var bobBrowser = new Browser(server, bobWeb);
        await SignedInAsync(bobBrowser, bob);
        var page = $"/manage/project/{bobProject}/collaborators";
        AssertRedirect(await SubmitHandlerAsync(bobBrowser, page, "Invite", Form(("username", alice), ("role", "Maintainer"))), page, "Bob inviting Alice");
        AssertRedirect(await SubmitHandlerAsync(browser, "/manage/projects", "Accept", Form(), "invitation_id"), "/manage/projects", "Alice accepting");

        // Someone downloads Alice's wheel with pip: a download record, which never holds the downloader's address.
        const string downloader = "192.0.2.77";
        var wheel = (await SimpleJsonFilesAsync(server, built.ProjectName)).Single(f => f.Filename.EndsWith(".whl", StringComparison.Ordinal));
        using (var get = new HttpRequestMessage(HttpMethod.Get, wheel.Url))
        {
            get.Headers.Add("X-Forwarded-For", downloader);
            get.Headers.TryAddWithoutValidation("User-Agent", """pip/23.2.1 {"installer":{"name":"pip","version":"23.2.1"},"python":"3.11.7"}""");
            using var response = await server.Http.SendAsync(get);
            AssertEqual(System.Net.HttpStatusCode.OK, response.StatusCode, "downloading the wheel");
        }
        for (var i = 0; i < 100 && await ServerDatabase.CountAsync(server, "SELECT COUNT(*) FROM download_events") == 0; i++) await Task.Delay(200);

        // The subpoena holds Alice's records at once: retention a month on keeps her addresses.
        var requestId = await SubpoenaAsync(server, [alice]);
        var monthLater = Instant(DateTime.UtcNow.AddDays(31));
        AssertSucceeded(await CliAsync(server, "retention", "run", "--as-of", monthLater), "retention under the hold");
        Assert.True(await ServerDatabase.IpAddressStoredAsync(server, aliceWeb), "the hold keeps Alice's web address");
        Assert.True(await ServerDatabase.IpAddressStoredAsync(server, aliceUpload), "the hold keeps Alice's upload address");

        // Produced twice with the same --as-of: the same bytes.
        var asOf = Instant(DateTime.UtcNow.AddHours(1));
        var (package, sha, _) = await ProduceAsync(server, requestId, asOf);
        var (_, again, againPath) = await ProduceAsync(server, requestId, asOf);
        AssertEqual(sha, again, "two productions with the same --as-of");
        Assert.Equal(package.Bytes, await File.ReadAllBytesAsync(againPath));

        // The manifest: the request, produced_at, the nine categories in order, and a digest for every file.
        AssertEqual(1, package.Manifest.GetProperty("schema_version").GetInt32(), "schema_version");
        AssertEqual(requestId, package.Request.GetProperty("id").GetInt64(), "request id");
        AssertEqual("subpoena", package.Request.GetProperty("kind").GetString(), "kind");
        AssertEqual(asOf.Replace("Z", ".000000Z"), package.Manifest.GetProperty("produced_at").GetString(), "produced_at is --as-of");
        Assert.Equal(["names", "addresses", "connection-records", "sessions", "length-of-service", "instrument-numbers", "payment", "packages", "download-logs"],
            package.Subject(alice).GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("key").GetString()!).ToList());
        foreach (var category in package.Subject(alice).GetProperty("categories").EnumerateArray())
        {
            Assert.True(category.GetProperty("requested").GetBoolean());
            Assert.False(string.IsNullOrWhiteSpace(category.GetProperty("title").GetString()));
            foreach (var f in category.GetProperty("files").EnumerateArray())
                AssertEqual(f.GetProperty("sha256").GetString(), Sha256Of(package.Entries[f.GetProperty("path").GetString()!]), $"sha256 of {f.GetProperty("path")}");
        }
        Assert.All(package.EntryTimes.Values, t => Assert.Equal(DateTime.Parse(asOf).ToUniversalTime().ToString("yyyy-MM-dd HH:mm"), t.DateTime.ToString("yyyy-MM-dd HH:mm")));
        Assert.True(package.Entries.ContainsKey("report.html"));
        var report = System.Text.Encoding.UTF8.GetString(package.Entries["report.html"]);
        foreach (var external in new[] { "<script", "<link", "src=", "@import", "url(" })
            Assert.DoesNotContain(external, report); // self-contained: nothing is fetched when the lawyer opens it
        Assert.Contains(aliceUpload, report);

        // 1. names
        var account = Assert.Single(package.Rows(alice, "names", "account"));
        AssertEqual(alice, Cell(account, "username"), "username");
        AssertEqual("Test Person", Cell(account, "display_name"), "display name");
        Assert.Contains("Display-name history is not kept", package.Statement(alice, "names"));
        // 2. addresses
        var email = Assert.Single(package.Rows(alice, "addresses", "email-addresses"));
        AssertEqual(aliceEmail, Cell(email, "email"), "email");
        Assert.True(email.GetProperty("primary").GetBoolean() && email.GetProperty("verified").GetBoolean());
        Assert.Contains(package.Rows(alice, "addresses", "email-history"), r => Cell(r, "event") == "account:email:verified" && Cell(r, "email") == aliceEmail);
        Assert.Contains("No postal address is ever held", package.Statement(alice, "addresses"));
        // 3. connection records
        Assert.Contains(package.Rows(alice, "connection-records", "journal"), r => Cell(r, "action") == $"accepted Maintainer {alice}");
        Assert.Contains(package.Rows(alice, "connection-records", "journal"), r => Cell(r, "action") == $"add source file {Path.GetFileName(built.Sdist)}");
        var events = package.Rows(alice, "connection-records", "account-events");
        Assert.Contains(events, r => Cell(r, "tag") == "account:login:success" && Cell(r, "ip_address") == aliceWeb && Cell(r, "ip_status") == "held");
        var invite = Assert.Single(events, r => Cell(r, "tag") == "account:role:invite");
        AssertEqual("withheld: caused by another user", Cell(invite, "ip_status"), "Bob's invitation on Alice's account");
        Assert.Null(Cell(invite, "ip_address"));
        Assert.Contains(package.Rows(alice, "connection-records", "project-events"), r => Cell(r, "tag") == "file:add" && Cell(r, "ip_address") == aliceUpload);
        // 4. sessions
        Assert.Contains("Session durations are not recorded", package.Statement(alice, "sessions"));
        Assert.Contains(package.Rows(alice, "sessions", "sign-ins"), r => Cell(r, "result") == "success" && Cell(r, "ip_address") == aliceWeb);
        var uploads = package.Rows(alice, "sessions", "uploads");
        Assert.Equal(built.Files.Select(Path.GetFileName).Order(), uploads.Select(r => Cell(r, "filename")).Order());
        Assert.All(uploads, r =>
        {
            Assert.Equal(aliceUpload, Cell(r, "ip_address"));
            Assert.Equal("api-token", Cell(r, "authenticated_by"));
            Assert.Equal("laptop upload", Cell(r, "token_description"));
            Assert.Equal("twine", Cell(r, "user_agent_name"));
        });
        // 5. length of service
        var status = Assert.Single(package.Rows(alice, "length-of-service", "account-status"));
        AssertEqual("active", Cell(status, "status"), "status");
        Assert.True(status.GetProperty("two_factor").GetBoolean());
        Assert.Equal(new[] { (built.ProjectName.ToLowerInvariant(), "Owner"), (bobProject, "Maintainer") }.Order().ToList(),
            package.Rows(alice, "length-of-service", "projects").Select(r => (Cell(r, "project")!.ToLowerInvariant(), Cell(r, "role")!)).Order().ToList());
        AssertEqual("laptop upload", Cell(Assert.Single(package.Rows(alice, "length-of-service", "api-tokens")), "description"), "token description");
        // 6. instrument numbers: both of Alice's addresses, the registration one flagged; never Bob's.
        var ips = package.Rows(alice, "instrument-numbers", "ip-addresses");
        Assert.True(Assert.Single(ips, r => Cell(r, "ip_address") == aliceWeb).GetProperty("registration").GetBoolean());
        Assert.False(Assert.Single(ips, r => Cell(r, "ip_address") == aliceUpload).GetProperty("registration").GetBoolean());
        Assert.All(ips, r => Assert.Equal("held", Cell(r, "status")));
        // 7. payment
        Assert.False(package.Held(alice, "payment"));
        Assert.Empty(package.Category(alice, "payment").GetProperty("files").EnumerateArray());
        Assert.Contains("No payment or billing records exist", package.Statement(alice, "payment"));
        // 8. packages
        var files = package.Rows(alice, "packages", "files");
        foreach (var path in built.Files)
        {
            var row = Assert.Single(files, r => Cell(r, "filename") == Path.GetFileName(path));
            AssertEqual(Sha256Of(path), Cell(row, "sha256"), $"sha256 of {Path.GetFileName(path)}");
            AssertEqual("present", Cell(row, "status"), "status");
        }
        Assert.Contains(package.Rows(alice, "packages", "roles"), r => Cell(r, "project") == bobProject && Cell(r, "role") == "Maintainer" && Cell(r, "began") == "accepted an invitation" && Cell(r, "ended") == "current");
        Assert.Single(package.Rows(alice, "packages", "releases"));
        // 9. download logs
        Assert.Contains("Download logs never hold IP addresses", package.Statement(alice, "download-logs"));
        Assert.Contains("Held: 1 download record of the 2 projects", package.Statement(alice, "download-logs"));
        var download = Assert.Single(package.Rows(alice, "download-logs", "downloads"));
        AssertEqual((wheel.Filename, "pip", built.Version), (Cell(download, "filename"), Cell(download, "installer"), Cell(download, "version")), "the download record");
        Assert.Empty(package.EntriesHolding(downloader));

        // Nothing of Bob's but his username; no secret at all.
        foreach (var bobs in new[] { bobEmail, bobWeb })
            Assert.True(package.EntriesHolding(bobs).Count == 0, $"Bob's {bobs} is in {string.Join(", ", package.EntriesHolding(bobs))}");
        var secrets = await StoredSecretsAsync(server);
        secrets.AddRange([token, token[(token.IndexOf('.') + 1)..], OtpNet.Base32Encoding.ToString(totpSecret), session, .. recoveryCodes]);
        AssertNoSecrets(package, secrets, "the subpoena's package");

        // Close: the holds go and Alice is told (kind, authority, date, categories; never the records).
        AssertSucceeded(await CliAsync(server, "legal", "close", requestId.ToString(), "--outcome", "produced"), "legal close");
        var notice = Outbox.Latest(server.DataDir, aliceEmail, "A legal request concerning your account");
        Assert.Contains("a subpoena from United States Department of Justice", notice.Body);
        Assert.Contains(Day(Today), notice.Body);
        Assert.Contains("Connection records (connection-records)", notice.Body);
        Assert.DoesNotContain("Means and source of payment", notice.Body);
        Assert.DoesNotContain(aliceWeb, notice.Body);
        var user = (await ServerDatabase.UserAsync(server, alice))!;
        AssertEvent(await ServerDatabase.UserEventsAsync(server, user.Id), "account:email:sent", e => Cell(e, "subject") == "A legal request concerning your account", "for the notice");
        var show = await CliAsync(server, "legal", "show", requestId.ToString());
        AssertSucceeded(show, "legal show");
        foreach (var action in new[] { "legal.create", "legal.hold", "legal.produce", "legal.close", "legal.release", "legal.notice", "legal.show" })
            AssertOutputContains(show, action, "the audit trail");
        AssertOutputContains(show, sha, "the recorded digest");

        // With the hold gone, retention erases the addresses; a new package says so, with the same keyed hash.
        AssertSucceeded(await CliAsync(server, "retention", "run", "--as-of", monthLater), "retention after the request closed");
        var raw = await ServerDatabase.RawAsync(server);
        Assert.False(ServerDatabase.Contains(raw, aliceWeb), $"{aliceWeb} must be gone from the raw database");
        Assert.False(ServerDatabase.Contains(raw, aliceUpload), $"{aliceUpload} must be gone from the raw database");
        var exportPath = Path.Combine(TempPaths.NewDirectory("export"), "alice.zip");
        var export = await CliAsync(server, "users", "export", alice, "--out", exportPath);
        AssertSucceeded(export, "users export after erasure");
        var after = ReadProduced(export, exportPath).Package;
        AssertEqual("data-subject", after.Request.GetProperty("kind").GetString(), "an export's kind");
        var erasedOn = $"erased on {Day(DateTime.Parse(monthLater).ToUniversalTime())} under the retention policy";
        var erased = after.Rows(alice, "instrument-numbers", "ip-addresses");
        foreach (var before in ips)
        {
            var row = Assert.Single(erased, r => Cell(r, "ip_keyed_hash") == Cell(before, "ip_keyed_hash"));
            Assert.Null(Cell(row, "ip_address"));
            AssertEqual(erasedOn, Cell(row, "status"), "an erased address");
        }
        Assert.Contains(after.Rows(alice, "sessions", "sign-ins"), r => Cell(r, "ip_status") == erasedOn && Cell(r, "ip_address") is null);
        Assert.Contains("0 still held, 2 erased", after.Statement(alice, "instrument-numbers"));
        AssertNoSecrets(after, secrets, "the export after erasure");
    }
}
