using Cheeseshop.Tests.Accounts;
using Cheeseshop.Data.Entities;
using Cheeseshop.Tests.Infrastructure;
using static Cheeseshop.Tests.Legal.DisclosurePackage;

namespace Cheeseshop.Tests.Legal;

/// <summary>
/// Each category's generator against a database seeded row by row with a history the web flows cannot
/// make quickly: a subject renamed by an administrator, a project of theirs that was removed, an address
/// already erased, an event with a detail key no allowlist knows, another user's invitation to the subject,
/// a second user whose data must not appear, and a third user who took the subject's old username after
/// the rename (whose roles must not be attributed to the subject). Every category is checked row by row,
/// over the whole history and with a scope that starts later.
/// </summary>
public sealed class SeededCategoryTests(ServerFixture servers, ITestOutputHelper output) : AccountTest(servers, output)
{
    private sealed record Seeded(string Sam, string OldName, string Other, string Imposter, string Tools, string Old, string OtherProject,
        DateTime T0, DateTime Removed, DateTime Renamed, DateTime Accepted, DateTime ErasedAt, string ErasedHash);

    private const string RegistrationIp = "192.0.2.11";
    private const string OtherIp = "192.0.2.99";
    private const string HiddenDetail = "zzz-not-allowlisted";
    private static readonly string ToolsSha = new('a', 64);

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Every_category_holds_exactly_the_subjects_records(Database db)
    {
        var server = await ServerAsync(db);
        var s = await SeedAsync(server, db);
        var id = await SubpoenaAsync(server, [s.Sam]);
        var (p, _, _) = await ProduceAsync(server, id);

        // names: the account as it is, and the administrator's rename.
        AssertEqual(s.Sam, Cell(Assert.Single(p.Rows(s.Sam, "names", "account")), "username"), "username");
        var rename = Assert.Single(p.Rows(s.Sam, "names", "username-changes"));
        AssertEqual((s.OldName, s.Sam), (Cell(rename, "old_username"), Cell(rename, "new_username")), "the rename");
        Assert.Contains("1 username change made by an administrator", p.Statement(s.Sam, "names"));

        // addresses: both addresses, and their history from events.
        Assert.Equal([($"{s.Sam}@example.org", "True", "True"), ($"{s.Sam}.old@example.org", "False", "False")],
            p.Rows(s.Sam, "addresses", "email-addresses").Select(r => (Cell(r, "email"), Cell(r, "primary"), Cell(r, "verified"))));
        Assert.Equal(["account:create", "account:email:add"], p.Rows(s.Sam, "addresses", "email-history").Select(r => Cell(r, "event")));

        // connection records: the subject's journal rows (under both names), events, and the withheld one.
        var journal = p.Rows(s.Sam, "connection-records", "journal").Select(r => (Cell(r, "project"), Cell(r, "action"))).ToList();
        Assert.Equal(10, journal.Count);
        Assert.Contains((s.Old, "remove project"), journal);
        Assert.Contains((s.Tools, $"add Owner {s.OldName}"), journal);
        Assert.DoesNotContain(journal, j => j.Item1 == $"imposter-{s.Imposter}" || j.Item2!.StartsWith("invite"));
        var events = p.Rows(s.Sam, "connection-records", "account-events");
        Assert.Equal(6, events.Count);
        var invite = Assert.Single(events, e => Cell(e, "tag") == "account:role:invite");
        AssertEqual(IpWithheld, Cell(invite, "ip_status"), "another user's invitation");
        Assert.Null(Cell(invite, "country"));
        var login = Assert.Single(events, e => Cell(e, "tag") == "account:login:success");
        AssertEqual($"erased on {Day(s.ErasedAt)} under the retention policy", Cell(login, "ip_status"), "an erased address");
        AssertEqual(s.ErasedHash, Cell(login, "ip_keyed_hash"), "the erased address's keyed hash");
        AssertEqual("DE", Cell(login, "country"), "the erased address's country");
        var created = Assert.Single(events, e => Cell(e, "tag") == "account:create");
        AssertEqual(RegistrationIp, Cell(created, "ip_address"), "the registration address");
        AssertEqual("Browser", Cell(created, "user_agent_name"), "the parsed user agent");
        Assert.Single(p.Rows(s.Sam, "connection-records", "project-events"));

        // sessions: the login (address erased) and the upload.
        AssertEqual("erased", Cell(Assert.Single(p.Rows(s.Sam, "sessions", "sign-ins")), "ip_status")![..6], "the sign-in's address");
        var upload = Assert.Single(p.Rows(s.Sam, "sessions", "uploads"));
        AssertEqual(($"sam_tools_{s.Imposter}-1.0-py3-none-any.whl", "password", RegistrationIp), (Cell(upload, "filename"), Cell(upload, "authenticated_by"), Cell(upload, "ip_address")), "the upload");

        // length of service
        Assert.Equal([(s.OtherProject, "Maintainer"), (s.Tools, "Owner")],
            p.Rows(s.Sam, "length-of-service", "projects").Select(r => (Cell(r, "project"), Cell(r, "role"))).OrderBy(r => r.Item1, StringComparer.Ordinal));

        // instrument numbers: registration flagged, erased one stated, the other user's never.
        var ips = p.Rows(s.Sam, "instrument-numbers", "ip-addresses");
        Assert.Equal(2, ips.Count);
        var reg = Assert.Single(ips, r => Cell(r, "ip_address") == RegistrationIp);
        Assert.True(reg.GetProperty("registration").GetBoolean());
        AssertEqual("2", Cell(reg, "events"), "events from the registration address");
        AssertEqual("NL", Cell(reg, "country"), "country");
        var erased = Assert.Single(ips, r => Cell(r, "ip_keyed_hash") == s.ErasedHash);
        Assert.Null(Cell(erased, "ip_address"));
        Assert.StartsWith("erased on", Cell(erased, "status"));
        Assert.Contains("1 still held, 1 erased", p.Statement(s.Sam, "instrument-numbers"));

        // packages: roles from the change log (both names, the removed project, not the imposter's), files and releases.
        var roles = p.Rows(s.Sam, "packages", "roles").Select(r => (Cell(r, "project"), Cell(r, "role"), Cell(r, "to") is null, Cell(r, "ended"))).ToList();
        Assert.Equal([(s.OtherProject, "Maintainer", true, "current"), (s.Old, "Owner", false, "project removed"), (s.Tools, "Owner", true, "current")], roles.OrderBy(r => r.Item1, StringComparer.Ordinal));
        var files = p.Rows(s.Sam, "packages", "files");
        var present = Assert.Single(files, f => Cell(f, "status") == "present");
        AssertEqual(ToolsSha, Cell(present, "sha256"), "a present file's sha256");
        var removed = Assert.Single(files, f => Cell(f, "status") == "removed");
        AssertEqual($"sam_old_{s.Imposter}-0.1.tar.gz", Cell(removed, "filename"), "the removed project's file");
        Assert.Null(Cell(removed, "sha256"));
        AssertEqual(s.Removed, DateTime.Parse(Cell(removed, "removed")!).ToUniversalTime(), "when the file went");
        Assert.Equal(["present", "removed"], p.Rows(s.Sam, "packages", "releases").Select(r => Cell(r, "status")).Order());

        // Nothing of the other users, nothing outside the allowlist.
        foreach (var foreign in new[] { OtherIp, $"{s.Other}@example.org", HiddenDetail, $"imposter-{s.Imposter}" })
            Assert.True(p.EntriesHolding(foreign).Count == 0, $"{foreign} is in {string.Join(", ", p.EntriesHolding(foreign))}");
        AssertNoSecrets(p, await StoredSecretsAsync(server), "the seeded package");

        // A scope starting on the day of the rename: only what happened from then on.
        var scoped = await SubpoenaAsync(server, [s.Sam], "--from", Day(s.Renamed));
        var (q, _, _) = await ProduceAsync(server, scoped);
        Assert.Equal([$"accepted Maintainer {s.Sam}"], q.Rows(s.Sam, "connection-records", "journal").Select(r => Cell(r, "action")));
        Assert.Equal(["account:password:change", "account:role:invite", "account:username:change"], q.Rows(s.Sam, "connection-records", "account-events").Select(r => Cell(r, "tag")!).Order());
        Assert.Empty(q.Rows(s.Sam, "instrument-numbers", "ip-addresses"));
        Assert.Contains("registration address is not held", q.Statement(s.Sam, "instrument-numbers"));
        Assert.Empty(q.Rows(s.Sam, "packages", "files"));
        Assert.Equal([s.OtherProject, s.Tools], q.Rows(s.Sam, "packages", "roles").Select(r => Cell(r, "project")!).Order(StringComparer.Ordinal));
        Assert.Single(q.Rows(s.Sam, "names", "username-changes"));
        // The account's current details are not time-scoped.
        Assert.Equal(2, q.Rows(s.Sam, "addresses", "email-addresses").Count);
    }

    private const string IpWithheld = "withheld: caused by another user";

    private static async Task<Seeded> SeedAsync(CheeseshopServer server, Database database)
    {
        var u = Guid.NewGuid().ToString("N")[..6];
        // Recent times, so the server's own daily retention run has nothing of this to erase.
        var t0 = DateTime.UtcNow.AddDays(-5).Date.AddHours(10);
        var s = new Seeded($"sam-{u}", $"sammy-{u}", $"other-{u}", u, $"sam-tools-{u}", $"sam-old-{u}", $"other-proj-{u}",
            t0, t0.AddDays(1).AddHours(1), t0.AddDays(2), t0.AddDays(3).AddMinutes(1), t0.AddDays(1).AddHours(2), new string('e', 64));
        await using var db = ServerDatabase.Open(server);

        User NewUser(string name, DateTime joined) => new()
        {
            Id = Guid.NewGuid(), Username = name, NormalizedUsername = name, DisplayName = name.ToUpperInvariant(), DateJoined = joined,
            PasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$c2VlZGVkc2FsdDEyMzQ$" + u + "seededhashvaluexxxxxxxxxxxxxxxxxxxxxxxxx",
        };
        var sam = NewUser(s.Sam, t0);
        var other = NewUser(s.Other, t0);
        db.Users.AddRange(sam, other);
        db.UserEmails.AddRange(
            new UserEmail { UserId = sam.Id, Email = $"{s.Sam}@example.org", IsPrimary = true, IsVerified = true },
            new UserEmail { UserId = sam.Id, Email = $"{s.Sam}.old@example.org" },
            new UserEmail { UserId = other.Id, Email = $"{s.Other}@example.org", IsPrimary = true, IsVerified = true });
        var reg = new IpAddressRecord { HashedIp = new string('1', 58) + u, Address = RegistrationIp, CountryCode = "NL", FirstSeen = t0, LastSeen = t0 };
        var gone = new IpAddressRecord { HashedIp = s.ErasedHash, Address = null, CountryCode = "DE", FirstSeen = t0, LastSeen = t0.AddDays(1), AddressErasedAt = s.ErasedAt };
        var otherIp = new IpAddressRecord { HashedIp = new string('9', 58) + u, Address = OtherIp, CountryCode = "FR", FirstSeen = t0, LastSeen = t0.AddDays(3) };
        db.IpAddresses.AddRange(reg, gone, otherIp);
        await db.SaveChangesAsync();

        // The subject's account events, oldest first.
        db.UserEvents.AddRange(
            new UserEvent { UserId = sam.Id, Tag = "account:create", Time = t0, IpAddressId = reg.Id,
                AdditionalJson = $$"""{"email":"{{s.Sam}}@example.org","user_agent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0","country_code":"NL"}""" },
            new UserEvent { UserId = sam.Id, Tag = "account:login:success", Time = t0.AddDays(1), IpAddressId = gone.Id, AdditionalJson = """{"two_factor_method":null,"country_code":"DE"}""" },
            new UserEvent { UserId = sam.Id, Tag = "account:email:add", Time = t0.AddDays(1).AddMinutes(5), IpAddressId = gone.Id,
                AdditionalJson = $$"""{"email":"{{s.Sam}}.old@example.org","internal_note":"{{HiddenDetail}}"}""" },
            new UserEvent { UserId = sam.Id, Tag = "account:username:change", Time = s.Renamed, AdditionalJson = $$"""{"old":"{{s.OldName}}","new":"{{s.Sam}}","changed_by":"cli:root"}""" },
            new UserEvent { UserId = sam.Id, Tag = "account:role:invite", Time = s.Accepted.AddMinutes(-1), IpAddressId = otherIp.Id,
                AdditionalJson = $$"""{"submitted_by":"{{s.Other}}","project_name":"{{s.OtherProject}}","role_name":"Maintainer","user_agent":"other-agent/1.0","country_code":"FR"}""" },
            new UserEvent { UserId = sam.Id, Tag = "account:password:change", Time = s.Accepted.AddHours(1), AdditionalJson = $$"""{"secret_stuff":"{{HiddenDetail}}"}""" },
            new UserEvent { UserId = other.Id, Tag = "account:login:success", Time = t0, IpAddressId = otherIp.Id, AdditionalJson = "{}" });
        db.UsernameChanges.Add(new UsernameChange { UserId = sam.Id, OldUsername = s.OldName, NewUsername = s.Sam, ChangedBy = "cli:root", Time = s.Renamed });

        // Present projects: the subject's tools, the other user's project (the subject joins it).
        var tools = new Project { Id = Guid.NewGuid(), Name = s.Tools, NormalizedName = s.Tools, Created = t0.AddMinutes(10) };
        var otherProject = new Project { Id = Guid.NewGuid(), Name = s.OtherProject, NormalizedName = s.OtherProject, Created = t0 };
        db.Projects.AddRange(tools, otherProject);
        var release = new Release { Id = Guid.NewGuid(), ProjectId = tools.Id, Version = "1.0", CanonicalVersion = "1.0", Created = t0.AddMinutes(10), UploaderId = sam.Id };
        db.Releases.Add(release);
        db.Files.Add(new ReleaseFile
        {
            Id = Guid.NewGuid(), ReleaseId = release.Id, ProjectId = tools.Id, Filename = $"sam_tools_{u}-1.0-py3-none-any.whl", PackageType = "bdist_wheel",
            PythonVersion = "py3", Size = 1234, Md5 = new string('0', 32), Sha256 = ToolsSha, Blake2b256 = new string('b', 64), Path = "x/" + u, UploadTime = t0.AddMinutes(10), UploaderId = sam.Id,
        });
        db.Roles.AddRange(
            new Role { ProjectId = tools.Id, UserId = sam.Id, RoleName = "Owner" },
            new Role { ProjectId = otherProject.Id, UserId = other.Id, RoleName = "Owner" },
            new Role { ProjectId = otherProject.Id, UserId = sam.Id, RoleName = "Maintainer" });
        db.ProjectEvents.Add(new ProjectEvent
        {
            ProjectId = tools.Id, Tag = "file:add", Time = t0.AddMinutes(10), UserId = sam.Id, IpAddressId = reg.Id,
            AdditionalJson = $$"""{"filename":"sam_tools_{{u}}-1.0-py3-none-any.whl","submitted_by":"{{s.OldName}}","canonical_version":"1.0","authenticated_by":"password"}""",
        });
        await db.SaveChangesAsync();

        // The change log, one row at a time so serials follow time.
        async Task J(string project, string? version, string action, DateTime time, Guid? by)
        {
            db.Journals.Add(new JournalEntry { Name = project, Version = version, Action = action, SubmittedDate = time, SubmittedById = by });
            await db.SaveChangesAsync();
        }
        await J(s.OtherProject, null, "create", t0, other.Id);
        await J(s.OtherProject, null, $"add Owner {s.Other}", t0, other.Id);
        await J(s.Tools, null, "create", t0.AddMinutes(10), sam.Id);
        await J(s.Tools, null, $"add Owner {s.OldName}", t0.AddMinutes(10), sam.Id);
        await J(s.Tools, "1.0", "new release", t0.AddMinutes(10), sam.Id);
        await J(s.Tools, "1.0", $"add py3 file sam_tools_{u}-1.0-py3-none-any.whl", t0.AddMinutes(10), sam.Id);
        await J(s.Old, null, "create", t0.AddMinutes(20), sam.Id);
        await J(s.Old, null, $"add Owner {s.OldName}", t0.AddMinutes(20), sam.Id);
        await J(s.Old, "0.1", "new release", t0.AddMinutes(20), sam.Id);
        await J(s.Old, "0.1", $"add source file sam_old_{u}-0.1.tar.gz", t0.AddMinutes(20), sam.Id);
        await J(s.Old, null, "remove project", s.Removed, sam.Id);
        // After the rename, someone else takes the old name and creates a project under it.
        var imposter = NewUser(s.OldName, s.Renamed.AddHours(1));
        db.Users.Add(imposter);
        await db.SaveChangesAsync();
        await J($"imposter-{u}", null, "create", s.Renamed.AddHours(2), imposter.Id);
        await J($"imposter-{u}", null, $"add Owner {s.OldName}", s.Renamed.AddHours(2), imposter.Id);
        await J(s.OtherProject, null, $"invite Maintainer {s.Sam}", s.Accepted.AddMinutes(-1), other.Id);
        await J(s.OtherProject, null, $"accepted Maintainer {s.Sam}", s.Accepted, sam.Id);
        return s;
    }
}
