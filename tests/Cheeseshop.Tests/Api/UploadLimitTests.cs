using System.Net;
using Cheeseshop.Tests.Infrastructure;
using static Cheeseshop.Tests.Api.TestDistributions;

namespace Cheeseshop.Tests.Api;

/// <summary>Configured size limits: a 413 whose message names the limit, and nothing stored.</summary>
public sealed class UploadLimitTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Files_over_the_limit_get_a_413_and_leave_nothing(Database db)
    {
        await using var server = await CheeseshopServer.StartAsync(db, settings: new Dictionary<string, string>
        {
            ["CHEESESHOP_Limits__MaxFileBytes"] = "200000",
            ["CHEESESHOP_Limits__MaxProjectBytes"] = "300000",
        });
        await server.CreateUserAsync("limited", Password);
        var token = await server.CreateTokenAsync("limited");

        async Task<HttpResponseMessage> Upload(string version, int padding)
        {
            var wheel = Wheel("limited-project", version, extra: zip =>
            {
                // Random bytes do not compress: the wheel really is about `padding` bytes.
                using var s = zip.CreateEntry("limited_project/blob.bin", System.IO.Compression.CompressionLevel.NoCompression).Open();
                s.Write(System.Security.Cryptography.RandomNumberGenerator.GetBytes(padding));
            });
            var request = new HttpRequestMessage(HttpMethod.Post, "legacy/") { Content = UploadForm("limited-project", version, WheelName("limited-project", version), wheel) };
            request.Headers.Authorization = Token(token);
            return await server.Http.SendAsync(request);
        }

        using var tooBig = await Upload("1.0", 250_000);
        AssertEqual(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode, "a file over MaxFileBytes");
        Assert.Contains("File too large", tooBig.ReasonPhrase);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.DataDir, "tmp")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.DataDir, "files"), "*", SearchOption.AllDirectories));

        using var first = await Upload("1.0", 150_000);
        AssertEqual(HttpStatusCode.OK, first.StatusCode, $"a file under the limit ({first.ReasonPhrase})");
        using var second = await Upload("2.0", 150_000);
        AssertEqual(HttpStatusCode.RequestEntityTooLarge, second.StatusCode, "the project's total over MaxProjectBytes");
        Assert.Contains("Project size too large", second.ReasonPhrase);
    }
}
