using System.Security.Cryptography;
using System.Text;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Audit;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cheeseshop.Bench;

/// <summary>
/// Data for the disclosure benchmark and for the sample package in docs/legal-requests.md, written
/// through the data layer (as IndexGenerator does). Everything is derived from fixed times and labels,
/// so the same command makes the same database, and the same package for the same --as-of.
///   bench disclosure-seed --data-dir DIR [--events 100000] [--files 10000]   one subject with a long history
///   bench disclosure-demo --data-dir DIR                                     a small, readable history
/// </summary>
public static class DisclosureDataset
{
    private static readonly DateTime Start = new(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc);

    /// <summary>A stable id for a label, so two runs make the same rows.</summary>
    private static Guid Id(string label) => new(MD5.HashData(Encoding.UTF8.GetBytes(label)));

    /// <summary>Stands in for the server's keyed hash (the real one needs the server's secret).</summary>
    private static string Hash(string address) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("demo-key:" + address)));

    private static async Task<ServiceProvider> OpenAsync(string dataDir)
    {
        var services = new ServiceCollection().AddLogging().AddCheeseshop(AppConfiguration.Build(dataDir)).BuildServiceProvider();
        await DatabaseMigrator.MigrateAsync(services);
        return services;
    }

    private static User NewUser(string name, DateTime joined) => new()
    {
        Id = Id("user:" + name), Username = name, NormalizedUsername = name.ToLowerInvariant(), DisplayName = "", DateJoined = joined,
        LastLogin = joined, PasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$ZGVtb3NhbHQ$" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(name))).TrimEnd('='),
    };

    private static IpAddressRecord Ip(string address, string country, DateTime first, DateTime last, DateTime? erased = null) => new()
    {
        HashedIp = Hash(address), Address = erased is null ? address : null, CountryCode = country, FirstSeen = first, LastSeen = last, AddressErasedAt = erased,
    };

    /// <summary>One subject with <paramref name="events"/> events in all, <paramref name="files"/> of them uploads of a file each.</summary>
    public static async Task SeedLargeAsync(string dataDir, int events, int files)
    {
        await using var services = await OpenAsync(dataDir);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var subject = NewUser("subject", Start);
        var other = NewUser("bystander", Start);
        Guid[] projectIds;
        long[] ips;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
            if (await db.Users.AnyAsync(u => u.Id == subject.Id)) throw new InvalidOperationException($"{dataDir} already holds the benchmark subject.");
            db.Users.AddRange(subject, other);
            db.UserEmails.Add(new UserEmail { UserId = subject.Id, Email = "subject@example.org", IsPrimary = true, IsVerified = true });
            db.UserEmails.Add(new UserEmail { UserId = other.Id, Email = "bystander@example.org", IsPrimary = true, IsVerified = true });
            // 500 addresses, a fifth of them already erased.
            var records = Enumerable.Range(0, 500).Select(i => Ip($"198.51.{100 + i / 250}.{i % 250 + 1}", i % 3 == 0 ? "NL" : "DE", Start, Start.AddDays(200),
                i % 5 == 0 ? Start.AddDays(40) : null)).ToList();
            db.IpAddresses.AddRange(records);
            var projects = Enumerable.Range(0, Math.Max(1, files / 100)).Select(i => new Project
                { Id = Id($"project:{i}"), Name = $"subject-project-{i:D4}", NormalizedName = $"subject-project-{i:D4}", Created = Start }).ToList();
            db.Projects.AddRange(projects);
            db.Roles.AddRange(projects.Select(p => new Role { ProjectId = p.Id, UserId = subject.Id, RoleName = RoleNames.Owner }));
            await db.SaveChangesAsync();
            projectIds = projects.Select(p => p.Id).ToArray();
            ips = records.Select(r => r.Id).ToArray();
            foreach (var p in projects)
            {
                db.Journals.Add(new JournalEntry { Name = p.Name, Action = "create", SubmittedDate = Start, SubmittedById = subject.Id });
                db.Journals.Add(new JournalEntry { Name = p.Name, Action = "add Owner subject", SubmittedDate = Start, SubmittedById = subject.Id });
            }
            await db.SaveChangesAsync();
        }

        string[] tags = [EventTags.Account.LoginSuccess, EventTags.Account.LoginFailure, EventTags.Account.EmailSent, EventTags.Account.ApiTokenUsed, EventTags.Account.PasswordChanged];
        var accountEvents = events - files;
        const int batch = 5000;
        for (var start = 0; start < Math.Max(accountEvents, files); start += batch)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(accountEvents, start + batch); i++)
            {
                var time = Start.AddSeconds(i * 150L);
                db.UserEvents.Add(new UserEvent
                {
                    UserId = subject.Id, Tag = tags[i % tags.Length], Time = time, IpAddressId = ips[i % ips.Length],
                    AdditionalJson = $$"""{"user_agent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/{{100 + i % 30}}.0","country_code":"NL","reason":"invalid_password"}""",
                });
                // The bystander's events interleave with the subject's, as on a busy index.
                if (i % 4 == 0) db.UserEvents.Add(new UserEvent { UserId = other.Id, Tag = EventTags.Account.LoginSuccess, Time = time, IpAddressId = ips[(i + 7) % ips.Length] });
            }
            for (var f = start; f < Math.Min(files, start + batch); f++)
            {
                var project = projectIds[f % projectIds.Length];
                var name = $"subject-project-{f % projectIds.Length:D4}";
                var version = $"1.{f / projectIds.Length}";
                var filename = $"subject_project_{f % projectIds.Length:D4}-{version}-py3-none-any.whl";
                var time = Start.AddSeconds(f * 1500L + 7);
                var release = new Release { Id = Id($"release:{f}"), ProjectId = project, Version = version, CanonicalVersion = version, Created = time, UploaderId = subject.Id };
                db.Releases.Add(release);
                db.Files.Add(new ReleaseFile
                {
                    Id = Id($"file:{f}"), ReleaseId = release.Id, ProjectId = project, Filename = filename, PackageType = "bdist_wheel", PythonVersion = "py3",
                    Size = 20_000 + f, Md5 = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(filename))),
                    Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(filename))), Blake2b256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("b2" + filename))),
                    Path = "bench/" + filename, UploadTime = time, UploaderId = subject.Id,
                });
                db.Journals.Add(new JournalEntry { Name = name, Version = version, Action = "new release", SubmittedDate = time, SubmittedById = subject.Id });
                db.Journals.Add(new JournalEntry { Name = name, Version = version, Action = $"add py3 file {filename}", SubmittedDate = time, SubmittedById = subject.Id });
                db.ProjectEvents.Add(new ProjectEvent
                {
                    ProjectId = project, Tag = EventTags.File.Added, Time = time, UserId = subject.Id, IpAddressId = ips[f % ips.Length],
                    AdditionalJson = $$"""{"filename":"{{filename}}","submitted_by":"subject","canonical_version":"{{version}}","authenticated_by":"api-token","user_agent":"twine/6.1.0 CPython/3.12.3"}""",
                });
            }
            await db.SaveChangesAsync();
            Console.Error.Write($"\r{Math.Min(Math.Max(accountEvents, files), start + batch)} rows");
        }
        Console.Error.WriteLine($"\nSeeded 'subject': {accountEvents} account events, {files} files (and as many project events) in {clock.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>
    /// The demo history the documentation's sample package is made from: Ada (renamed by an administrator
    /// from ada-l), whose addresses include one already erased; a project of hers that was removed; Grace,
    /// who invites her to a project (Grace's address must not appear in Ada's package).
    /// </summary>
    public static async Task SeedDemoAsync(string dataDir)
    {
        await using var services = await OpenAsync(dataDir);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
        var t = Start;
        var ada = NewUser("ada", t);
        ada.DisplayName = "Ada L.";
        ada.LastLogin = t.AddDays(120);
        var grace = NewUser("grace", t.AddDays(-30));
        db.Users.AddRange(ada, grace);
        db.UserEmails.AddRange(
            new UserEmail { UserId = ada.Id, Email = "ada@example.org", IsPrimary = true, IsVerified = true },
            new UserEmail { UserId = ada.Id, Email = "ada.work@example.net", IsVerified = true },
            new UserEmail { UserId = grace.Id, Email = "grace@example.org", IsPrimary = true, IsVerified = true });
        var home = Ip("192.0.2.10", "NL", t, t.AddDays(120));
        var cafe = Ip("198.51.100.7", "BE", t.AddDays(2), t.AddDays(3), erased: t.AddDays(34));
        var office = Ip("2001:db8::42", "NL", t.AddDays(10), t.AddDays(121));
        var graces = Ip("203.0.113.99", "US", t.AddDays(-30), t.AddDays(121));
        db.IpAddresses.AddRange(home, cafe, office, graces);
        var tools = new Project { Id = Id("project:analytical-engine"), Name = "analytical-engine", NormalizedName = "analytical-engine", Created = t.AddDays(3) };
        var shared = new Project { Id = Id("project:compiler-tools"), Name = "compiler-tools", NormalizedName = "compiler-tools", Created = t.AddDays(-20) };
        db.Projects.AddRange(tools, shared);
        db.Roles.AddRange(
            new Role { ProjectId = tools.Id, UserId = ada.Id, RoleName = RoleNames.Owner },
            new Role { ProjectId = shared.Id, UserId = grace.Id, RoleName = RoleNames.Owner },
            new Role { ProjectId = shared.Id, UserId = ada.Id, RoleName = RoleNames.Maintainer });
        db.ApiTokens.Add(new ApiToken { Id = Id("token:laptop"), UserId = ada.Id, Description = "laptop", SecretHash = SHA256.HashData("demo"u8), Created = t.AddDays(3), LastUsed = t.AddDays(90) });
        await db.SaveChangesAsync();

        const string firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        const string twine = "twine/6.1.0 CPython/3.12.3";
        void U(string tag, DateTime when, IpAddressRecord? ip, string json) =>
            db.UserEvents.Add(new UserEvent { UserId = ada.Id, Tag = tag, Time = when, IpAddressId = ip?.Id, AdditionalJson = json });
        U(EventTags.Account.Created, t, home, $$"""{"email":"ada@example.org","user_agent":"{{firefox}}","country_code":"NL"}""");
        U(EventTags.Account.EmailAdded, t, home, $$"""{"email":"ada@example.org","user_agent":"{{firefox}}","country_code":"NL"}""");
        U(EventTags.Account.EmailVerified, t.AddMinutes(5), home, $$"""{"email":"ada@example.org","primary":true,"user_agent":"{{firefox}}","country_code":"NL"}""");
        U(EventTags.Account.LoginFailure, t.AddDays(2), cafe, $$"""{"reason":"invalid_password","user_agent":"{{firefox}}","country_code":"BE"}""");
        U(EventTags.Account.LoginSuccess, t.AddDays(2).AddMinutes(1), cafe, $$"""{"two_factor_method":null,"user_agent":"{{firefox}}","country_code":"BE"}""");
        U(EventTags.Account.ApiTokenAdded, t.AddDays(3), cafe, $$"""{"description":"laptop","token_id":"hidden","user_agent":"{{firefox}}","country_code":"BE"}""");
        U(EventTags.Account.ApiTokenUsed, t.AddDays(3).AddMinutes(10), cafe, $$"""{"description":"laptop","filename":"analytical_engine-0.1-py3-none-any.whl","project_name":"analytical-engine","user_agent":"{{twine}}","country_code":"BE"}""");
        U(EventTags.Account.EmailAdded, t.AddDays(10), office, $$"""{"email":"ada.work@example.net","user_agent":"{{firefox}}","country_code":"NL"}""");
        U(EventTags.Account.RoleInvited, t.AddDays(20), graces, """{"submitted_by":"grace","project_name":"compiler-tools","role_name":"Maintainer","user_agent":"curl/8.0","country_code":"US"}""");
        U(EventTags.Account.EmailSent, t.AddDays(20), graces, """{"to_email":"ada@example.org","subject":"Invitation to join compiler-tools","country_code":"US"}""");
        U(EventTags.Account.RoleAdded, t.AddDays(21), office, $$"""{"submitted_by":"ada","project_name":"compiler-tools","role_name":"Maintainer","user_agent":"{{firefox}}","country_code":"NL"}""");
        U(EventTags.Account.UsernameChanged, t.AddDays(60), null, """{"old":"ada-l","new":"ada","changed_by":"cli:operator"}""");
        U(EventTags.Account.LoginSuccess, t.AddDays(120), office, $$"""{"two_factor_method":"totp","user_agent":"{{firefox}}","country_code":"NL"}""");
        db.UsernameChanges.Add(new UsernameChange { UserId = ada.Id, OldUsername = "ada-l", NewUsername = "ada", ChangedBy = "cli:operator", Time = t.AddDays(60) });

        // Releases and files: analytical-engine 0.1 (present); difference-engine 0.1 (its project later removed).
        var release = new Release { Id = Id("release:ae-0.1"), ProjectId = tools.Id, Version = "0.1", CanonicalVersion = "0.1", Created = t.AddDays(3).AddMinutes(10), UploaderId = ada.Id };
        db.Releases.Add(release);
        db.Files.Add(new ReleaseFile
        {
            Id = Id("file:ae-0.1"), ReleaseId = release.Id, ProjectId = tools.Id, Filename = "analytical_engine-0.1-py3-none-any.whl", PackageType = "bdist_wheel",
            PythonVersion = "py3", Size = 18_213, Md5 = new string('7', 32), Sha256 = Convert.ToHexStringLower(SHA256.HashData("analytical_engine-0.1"u8)),
            Blake2b256 = new string('b', 64), Path = "demo/ae", UploadTime = t.AddDays(3).AddMinutes(10), UploaderId = ada.Id, UploadedVia = twine,
        });
        db.ProjectEvents.Add(new ProjectEvent
        {
            ProjectId = tools.Id, Tag = EventTags.File.Added, Time = t.AddDays(3).AddMinutes(10), UserId = ada.Id, IpAddressId = cafe.Id,
            AdditionalJson = $$"""{"filename":"analytical_engine-0.1-py3-none-any.whl","submitted_by":"ada-l","canonical_version":"0.1","authenticated_by":"api-token","user_agent":"{{twine}}","country_code":"BE"}""",
        });
        await db.SaveChangesAsync();

        async Task J(string project, string? version, string action, DateTime when, User by)
        {
            db.Journals.Add(new JournalEntry { Name = project, Version = version, Action = action, SubmittedDate = when, SubmittedById = by.Id });
            await db.SaveChangesAsync();
        }
        await J("compiler-tools", null, "create", t.AddDays(-20), grace);
        await J("compiler-tools", null, "add Owner grace", t.AddDays(-20), grace);
        await J("analytical-engine", null, "create", t.AddDays(3).AddMinutes(10), ada);
        await J("analytical-engine", null, "add Owner ada-l", t.AddDays(3).AddMinutes(10), ada);
        await J("analytical-engine", "0.1", "new release", t.AddDays(3).AddMinutes(10), ada);
        await J("analytical-engine", "0.1", "add py3 file analytical_engine-0.1-py3-none-any.whl", t.AddDays(3).AddMinutes(10), ada);
        await J("difference-engine", null, "create", t.AddDays(5), ada);
        await J("difference-engine", null, "add Owner ada-l", t.AddDays(5), ada);
        await J("difference-engine", "0.1", "new release", t.AddDays(5), ada);
        await J("difference-engine", "0.1", "add source file difference_engine-0.1.tar.gz", t.AddDays(5), ada);
        await J("compiler-tools", null, "invite Maintainer ada-l", t.AddDays(20), grace);
        await J("compiler-tools", null, "accepted Maintainer ada-l", t.AddDays(21), ada);
        await J("difference-engine", null, "remove project", t.AddDays(40), ada);
        // Three downloads of Ada's wheel (download statistics keep no address: only a country).
        var file = new DownloadFile
        {
            Filename = "analytical_engine-0.1-py3-none-any.whl", Url = "/packages/demo/analytical_engine-0.1-py3-none-any.whl",
            Project = "analytical-engine", ProjectId = tools.Id, Version = "0.1", Type = "bdist_wheel",
        };
        var pip = new DownloadAgent { DetailsHash = Convert.ToHexStringLower(SHA256.HashData("demo-pip"u8)), InstallerName = "pip", InstallerVersion = "24.2", Python = "3.12.3",
            // Its last download below: retention relies on no event being later than its agent's last_seen.
            LastSeen = DateOnly.FromDateTime(t.AddDays(9)) };
        db.DownloadFiles.Add(file);
        db.DownloadAgents.Add(pip);
        await db.SaveChangesAsync();
        db.DownloadEvents.AddRange(
            new DownloadEventRecord { Timestamp = t.AddDays(4), CountryCode = "DE", FileId = file.Id, AgentId = pip.Id },
            new DownloadEventRecord { Timestamp = t.AddDays(9), CountryCode = "JP", FileId = file.Id, AgentId = pip.Id },
            new DownloadEventRecord { Timestamp = t.AddDays(30), CountryCode = null, FileId = file.Id, AgentId = null });
        await db.SaveChangesAsync();
        Console.Error.WriteLine("Seeded the demo history: users ada (formerly ada-l) and grace.");
    }
}
