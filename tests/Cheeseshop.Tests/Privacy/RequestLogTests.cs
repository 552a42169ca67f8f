using System.Text.RegularExpressions;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Privacy;

/// <summary>The request log: one line per request, the client as a hash, never an address, never a forged line.</summary>
public sealed class RequestLogTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    [Fact]
    public async Task Each_request_is_one_line_with_the_clients_hash_and_an_escaped_path()
    {
        await using var server = await CheeseshopServer.StartAsync(Database.Sqlite);
        var mark = server.OutputMark;
        // Loopback is a trusted proxy by default, so the forwarded address is the client's.
        foreach (var (path, forwarded) in new[] { ("simple/", "203.0.113.77"), ("simple/%0Aforged%20line/", "203.0.113.77"), ("simple/", "2001:db8::77") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Forwarded-For", forwarded);
            using var response = await server.Http.SendAsync(request);
        }
        // Lines are written by a background writer: wait for the third.
        string log = "";
        for (var i = 0; i < 50 && Regex.Matches(log = server.OutputSince(mark), @"GET /simple/").Count < 3; i++) await Task.Delay(100);

        var lines = log.Split('\n').Where(l => l.Contains("GET /simple/")).ToList();
        AssertEqual(3, lines.Count, $"request log lines in:\n{log}");
        var hashes = lines.Select(l => Regex.Match(l, @"client=([0-9a-f]{16})\b").Groups[1].Value).ToList();
        Assert.All(hashes, h => Assert.Equal(16, h.Length));
        // The same address gives the same hash on one connection and across a change of address on it.
        AssertEqual(hashes[0], hashes[1], "hash of the same address");
        Assert.NotEqual(hashes[0], hashes[2]);
        Assert.Contains(lines, l => l.Contains("/simple/%0Aforged%20line/ "));
        Assert.DoesNotContain("203.0.113.77", log);
        Assert.DoesNotContain("2001:db8::77", log);
        // Every line of output is tagged by the harness ("[out] "): a forged line would start with the word.
        Assert.DoesNotContain(log.Split('\n'), l => l.StartsWith("[out] forged", StringComparison.Ordinal));
    }
}
