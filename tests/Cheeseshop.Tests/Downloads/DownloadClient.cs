using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Downloads;

/// <summary>The download tests' HTTP and CLI chores: publishing a project, fetching files as a given agent.</summary>
public static class DownloadClient
{
    public const string Password = "correct horse battery staple";

    public const string UvAgent =
        """uv/0.4.0 {"installer":{"name":"uv","version":"0.4.0"},"python":"3.12.1","implementation":{"name":"CPython","version":"3.12.1"},"system":{"name":"Windows","release":"10"},"cpu":"AMD64","ci":true}""";
    public const string BandersnatchAgent = "bandersnatch/6.5.0 (CPython 3.11.4-final0, Linux x86_64)";
    public const string DevpiAgent = "devpi-server/6.9.2 (py3.11.4; linux)";
    public const string UnknownAgent = "cheese-fetcher/1.0";
    public const string BrowserAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
    public const string BotAgent = "Datadog Agent/7.50.0";

    public sealed record Published(string Project, Uri Wheel, Uri Sdist, string WheelName, string SdistName);

    /// <summary>Builds cheese-alpha{suffix} 1.0 (wheel and sdist) and uploads both with twine.</summary>
    public static async Task<Published> PublishAsync(CheeseshopServer server, string suffix)
    {
        var user = "dl" + suffix.Replace("-", "");
        var created = await server.RunCliWithInputAsync(Password + "\n", "users", "create", user, "--email", $"{user}@example.invalid", "--password-stdin");
        if (!created.Succeeded) throw new InvalidOperationException($"users create failed\n{created}");
        var token = await server.RunCliAsync("tokens", "create", user);
        if (!token.Succeeded) throw new InvalidOperationException($"tokens create failed\n{token}");
        var built = await PythonTools.BuildAsync("cheese-alpha", "1.0", suffix);
        var upload = await PythonTools.TwineUploadAsync(server.UploadUrl, "__token__", token.Stdout.Trim(), built.Files);
        if (!upload.Succeeded) throw new InvalidOperationException($"twine upload failed\n{upload}\n{server.Output}");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"simple/{built.ProjectName}/");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.pypi.simple.v1+json"));
        using var response = await server.Http.SendAsync(request);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var files = doc.RootElement.GetProperty("files").EnumerateArray()
            .Select(f => (Name: f.GetProperty("filename").GetString()!, Url: new Uri(new Uri(server.BaseUrl), f.GetProperty("url").GetString()!)))
            .ToList();
        var wheel = files.Single(f => f.Name.EndsWith(".whl"));
        var sdist = files.Single(f => f.Name.EndsWith(".tar.gz"));
        return new Published(built.ProjectName, wheel.Url, sdist.Url, wheel.Name, sdist.Name);
    }

    /// <summary>One request for a file; the agent header is left out when <paramref name="agent"/> is null.</summary>
    public static async Task<HttpStatusCode> FetchAsync(CheeseshopServer server, Uri url, string? agent, string? forwardedFor = null,
        RangeHeaderValue? range = null, HttpMethod? method = null, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        request.Headers.UserAgent.Clear();
        if (agent is not null) request.Headers.TryAddWithoutValidation("User-Agent", agent);
        if (forwardedFor is not null) request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        if (range is not null) request.Headers.Range = range;
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        using var response = await server.Http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode;
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body, string Text)> ApiAsync(CheeseshopServer server, string path)
    {
        using var response = await server.Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        JsonElement body = default;
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
            body = JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, text);
    }

    /// <summary>The series of an API answer as "category date downloads" lines, in the order sent.</summary>
    public static List<string> Points(JsonElement body) =>
        body.GetProperty("data").EnumerateArray()
            .Select(p => $"{p.GetProperty("category").GetString()} {p.GetProperty("date").GetString()} {p.GetProperty("downloads").GetInt64()}")
            .ToList();
}
