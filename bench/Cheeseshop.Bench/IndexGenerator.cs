using Cheeseshop.Configuration;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cheeseshop.Bench;

/// <summary>
/// Fills an index with N projects through the data layer (rows only: the read paths under test never
/// open the files). Each project gets one owner, releases 1.0, 1.1 and 2.0 and, in total,
/// filesPerProject files, with journal rows as uploads would write them.
/// </summary>
public static class IndexGenerator
{
    public static async Task RunAsync(string dataDir, int projects, int filesPerProject)
    {
        var services = new ServiceCollection().AddLogging().AddCheeseshop(AppConfiguration.Build(dataDir)).BuildServiceProvider();
        await DatabaseMigrator.MigrateAsync(services);
        var started = DateTime.UtcNow;
        Guid ownerId;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
            var owner = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == "bench");
            if (owner is null)
            {
                owner = new User { Id = Guid.NewGuid(), Username = "bench", NormalizedUsername = "bench", DateJoined = started };
                db.Users.Add(owner);
                await db.SaveChangesAsync();
            }
            ownerId = owner.Id;
        }

        const int batch = 2000;
        var versions = new[] { "1.0", "1.1", "2.0" };
        for (var start = 0; start < projects; start += batch)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CheeseshopDb>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(projects, start + batch); i++)
            {
                var name = $"bench-project-{i:D6}";
                var project = new Project { Id = Guid.NewGuid(), Name = name, NormalizedName = name, Created = started };
                db.Projects.Add(project);
                db.Roles.Add(new Role { ProjectId = project.Id, UserId = ownerId, RoleName = RoleNames.Owner });
                db.Journals.Add(new JournalEntry { Name = name, Action = "create", SubmittedDate = started, SubmittedById = ownerId });
                var releases = versions.Select(v => new Release
                {
                    Id = Guid.NewGuid(), ProjectId = project.Id, Version = v, CanonicalVersion = v, Created = started,
                    MetadataVersion = "2.1", Summary = $"Benchmark project {i}", RequiresPython = ">=3.8", UploaderId = ownerId,
                }).ToList();
                db.Releases.AddRange(releases);
                for (var f = 0; f < filesPerProject; f++)
                {
                    var release = releases[f % releases.Count];
                    var wheel = f % 2 == 0;
                    var filename = wheel
                        ? $"bench_project_{i:D6}-{release.Version}-{f}-py3-none-any.whl"
                        : $"bench_project_{i:D6}-{release.Version}{(f > 1 ? $".post{f}" : "")}.tar.gz";
                    var digests = FileDigester.Of(System.Text.Encoding.UTF8.GetBytes(filename));
                    db.Files.Add(new ReleaseFile
                    {
                        Id = Guid.NewGuid(), ReleaseId = release.Id, ProjectId = project.Id, Filename = filename,
                        PackageType = wheel ? "bdist_wheel" : "sdist", PythonVersion = wheel ? "py3" : "source",
                        RequiresPython = ">=3.8", Size = 10_000 + f, Md5 = digests.Md5, Sha256 = digests.Sha256,
                        Blake2b256 = digests.Blake2b256, Path = digests.StoragePath(filename), UploadTime = started,
                        UploaderId = ownerId, MetadataSha256 = wheel ? digests.Sha256 : null,
                    });
                    db.Journals.Add(new JournalEntry { Name = name, Version = release.Version, Action = $"add {(wheel ? "py3" : "source")} file {filename}", SubmittedDate = started, SubmittedById = ownerId });
                }
            }
            await db.SaveChangesAsync();
            // Serials as the journal would have set them: close enough for read benchmarks.
            await db.Database.ExecuteSqlRawAsync(
                "UPDATE projects SET last_serial = (SELECT MAX(j.id) FROM journals j WHERE j.name = projects.name) WHERE last_serial = 0");
            Console.Error.Write($"\r{Math.Min(projects, start + batch)}/{projects} projects");
        }
        Console.Error.WriteLine($"\nGenerated {projects} projects, {projects * filesPerProject} files in {(DateTime.UtcNow - started).TotalSeconds:F0} s");
    }
}
