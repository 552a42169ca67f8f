using System.Net;
using System.Text;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Metrics;

/// <summary>
/// Traces over OTLP (HTTP, protobuf) when the standard OTEL_EXPORTER_OTLP_ENDPOINT is set: the program sends
/// its spans to a collector the test runs (an HttpListener that keeps what is posted to /v1/traces). A span
/// is named by the route template; the path (with the project's name), the query and the user agent stay out.
/// </summary>
public sealed class TracingTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    [Fact]
    public async Task Requests_are_sent_as_spans_named_by_route_without_the_path_or_the_user_agent()
    {
        var port = LoopbackPorts.Free();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new List<byte[]>();
        var receiving = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await collector.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                using var body = new MemoryStream();
                await ctx.Request.InputStream.CopyToAsync(body);
                if (ctx.Request.Url!.AbsolutePath == "/v1/traces") lock (received) received.Add(body.ToArray());
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = "application/x-protobuf";
                ctx.Response.Close();
            }
        });

        await using var server = await CheeseshopServer.StartAsync(Database.Sqlite, hosting: ServerHosting.Process, settings: new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        Watch(server);
        using (var request = new HttpRequestMessage(HttpMethod.Get, "simple/cheese-traced-secret/?q=secret-query"))
        {
            request.Headers.UserAgent.ParseAdd("secret-agent/1.0");
            using var response = await server.Http.SendAsync(request);
            AssertEqual(HttpStatusCode.NotFound, response.StatusCode, "the Simple page of a project that does not exist");
        }

        string spans = "";
        for (var i = 0; i < 100 && !spans.Contains("/simple/{project}/"); i++)
        {
            await Task.Delay(100);
            lock (received) spans = string.Join("\n", received.Select(b => Encoding.UTF8.GetString(b)));
        }
        collector.Stop();
        await receiving;
        Assert.Contains("GET /simple/{project}/", spans);
        Assert.Contains("cheeseshop", spans);
        Assert.DoesNotContain("cheese-traced-secret", spans);
        Assert.DoesNotContain("secret-query", spans);
        Assert.DoesNotContain("secret-agent", spans);
        Assert.DoesNotContain("/health", spans);
    }
}
