using Amazon.S3.Model;
using Cheeseshop.Tests.Api;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Integrity;

/// <summary>`cheeseshop fsck` on files in an S3-compatible bucket (s3rver): the listing under the prefix is
/// compared with the rows, objects are hashed through ranged reads, and --repair removes orphan objects
/// under the prefix and nothing else in the bucket.</summary>
public sealed class FsckS3Tests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    private const string Prefix = "index/";

    [Fact]
    public async Task Fsck_checks_the_bucket_and_repairs_orphan_objects_only_under_the_prefix()
    {
        await using var s3 = await TestS3rver.StartAsync();
        await using var server = await CheeseshopServer.StartAsync(Database.Sqlite, settings: s3.Settings(Prefix));
        Watch(server);
        var token = await SharedTokenAsync(server);
        foreach (var project in new[] { "s3fsck-gone", "s3fsck-bent" })
        {
            using var response = await TestDistributions.UploadWheelAsync(server, token, project, "1.0");
            AssertEqual(System.Net.HttpStatusCode.OK, response.StatusCode, $"upload of {project}");
        }
        var clean = Logged(await server.RunCliAsync("fsck"));
        AssertSucceeded(clean, "fsck of an intact bucket");
        AssertOutputContains(clean, "4 stored files checked with their digests; no differences", "fsck summary");

        var paths = await server.WithDbAsync(db => db.Files.Select(f => new { f.Release!.Project!.NormalizedName, f.Path })
            .ToDictionaryAsync(f => f.NormalizedName, f => f.Path));
        await s3.Client.DeleteObjectAsync(s3.Bucket, Prefix + paths["s3fsck-gone"]);
        var bent = await s3.GetAsync(Prefix + paths["s3fsck-bent"]);
        bent[bent.Length / 2] ^= 0x5a;
        await PutAsync(s3, Prefix + paths["s3fsck-bent"], bent);
        await PutAsync(s3, Prefix + "aa/bb/orphan/left-1.0-py3-none-any.whl", "stored by an upload that never committed"u8.ToArray());
        await PutAsync(s3, "elsewhere/not-ours.txt", "another application's object"u8.ToArray());

        var expected = new[]
        {
            $"missing-file: {paths["s3fsck-gone"]}: s3fsck-gone 1.0 ",
            $"digest-mismatch: {paths["s3fsck-bent"]}: s3fsck-bent 1.0 ",
            "orphan-file: aa/bb/orphan/left-1.0-py3-none-any.whl: stored (40 bytes, ",
        };
        // The objects were written just now: only a grace of 0 calls the new one an orphan.
        var found = Logged(await server.RunCliAsync("fsck"));
        AssertEqual(1, found.ExitCode, "fsck exit code with a missing and a damaged object");
        AssertOutputContains(found, "1 stored files without a row are younger than 60 minutes", "fsck summary");
        AssertEqual(2, FsckTests.Lines(found).Length, "fsck lines with the default grace (the missing and the damaged object)");
        var repaired = Logged(await server.RunCliAsync("fsck", "--repair", "--grace-minutes", "0"));
        AssertEqual(1, repaired.ExitCode, "fsck --repair exit code (a missing and a damaged object need a person)");
        var lines = FsckTests.Lines(repaired);
        foreach (var start in expected)
            if (lines.Count(l => l.StartsWith(start, StringComparison.Ordinal)) != 1) Fail($"fsck --repair: expected one line starting \"{start}\".\n{repaired}");
        AssertEqual(3, lines.Length, "fsck --repair: number of lines");

        var keys = await s3.KeysAsync();
        AssertEqual(false, keys.Contains(Prefix + "aa/bb/orphan/left-1.0-py3-none-any.whl"), "orphan object after --repair");
        AssertEqual(true, keys.Contains("elsewhere/not-ours.txt"), "an object outside the prefix after --repair");
        AssertEqual(true, keys.Contains(Prefix + paths["s3fsck-bent"]), "the damaged object a row names, after --repair");
        var after = Logged(await server.RunCliAsync("fsck", "--grace-minutes", "0"));
        AssertEqual(2, FsckTests.Lines(after).Length, "fsck lines after --repair (the missing and the damaged object)");
    }

    private static Task PutAsync(TestS3rver s3, string key, byte[] content) =>
        s3.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = s3.Bucket, Key = key, InputStream = new MemoryStream(content), UseChunkEncoding = false,
        });
}
