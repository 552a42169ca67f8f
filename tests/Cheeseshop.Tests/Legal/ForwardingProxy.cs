using System.Net;
using System.Net.Sockets;

using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Legal;

/// <summary>
/// A reverse proxy in front of the test server, as an operator runs one: it forwards every request and
/// adds X-Forwarded-For with the client address it is told to. The server trusts the header from
/// loopback, so twine's uploads through this proxy are recorded as coming from that address.
/// </summary>
public sealed class ForwardingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
        { "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "Host", "Expect" };

    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromMinutes(2) };
    private readonly string _target;
    private readonly string _clientAddress;
    private readonly Task _loop;

    public ForwardingProxy(string targetBaseUrl, string clientAddress)
    {
        _target = targetBaseUrl.TrimEnd('/');
        _clientAddress = clientAddress;
        var port = LoopbackPorts.Free();
        BaseUrl = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(BaseUrl + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }
    public string UploadUrl => BaseUrl + "/legacy/";
    public int Forwarded { get; private set; }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => ForwardAsync(ctx));
        }
    }

    private async Task ForwardAsync(HttpListenerContext ctx)
    {
        try
        {
            using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.HttpMethod), _target + ctx.Request.RawUrl);
            if (ctx.Request.HasEntityBody)
            {
                request.Content = new StreamContent(ctx.Request.InputStream);
                if (ctx.Request.ContentType is { } type) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
                if (ctx.Request.ContentLength64 >= 0) request.Content.Headers.ContentLength = ctx.Request.ContentLength64;
            }
            foreach (var name in ctx.Request.Headers.AllKeys.OfType<string>())
            {
                if (HopByHop.Contains(name) || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
                request.Headers.TryAddWithoutValidation(name, ctx.Request.Headers.GetValues(name) ?? []);
            }
            request.Headers.Add("X-Forwarded-For", _clientAddress);
            using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Forwarded++;
            ctx.Response.StatusCode = (int)response.StatusCode;
            // twine shows the reason phrase: the upload API puts its message there.
            if (response.ReasonPhrase is { } reason) ctx.Response.StatusDescription = reason;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (HopByHop.Contains(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
                foreach (var v in values) ctx.Response.AppendHeader(name, v);
            }
            var body = await response.Content.ReadAsByteArrayAsync();
            ctx.Response.ContentLength64 = body.Length;
            await ctx.Response.OutputStream.WriteAsync(body);
            ctx.Response.Close();
        }
        catch (Exception e)
        {
            try
            {
                ctx.Response.StatusCode = 502;
                ctx.Response.StatusDescription = "Proxy error: " + e.GetType().Name;
                ctx.Response.Close();
            }
            catch
            {
                // The client went away.
            }
        }
    }


    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try { await _loop; } catch { /* stopped */ }
        _upstream.Dispose();
    }
}
