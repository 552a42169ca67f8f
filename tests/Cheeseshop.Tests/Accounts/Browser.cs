using System.Net;
using System.Text.RegularExpressions;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Accounts;

/// <summary>One response of a page: status, body, and where a redirect points.</summary>
public sealed record PageResponse(HttpStatusCode Status, string Html, string? Location, HttpResponseMessage Raw)
{
    public int Code => (int)Status;
    public override string ToString() => $"{Code} {Status}{(Location is null ? "" : " -> " + Location)}\n{Html}";
}

/// <summary>
/// A person's browser, reduced to what the pages need: its own cookie jar, no JavaScript, redirects
/// seen (not followed) so a test can assert them, and a client address given by X-Forwarded-For
/// (the server trusts it from loopback) so each test can be a different client from a documentation
/// range (RFC 5737).
/// </summary>
public sealed partial class Browser : IDisposable
{
    private readonly HttpClient _http;

    public Browser(CheeseshopServer server, string clientAddress)
    {
        ClientAddress = clientAddress;
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = new Uri(server.BaseUrl + "/"),
            Timeout = TimeSpan.FromSeconds(60),
        };
        _http.DefaultRequestHeaders.Add("X-Forwarded-For", clientAddress);
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64) CheeseshopTests/1.0");
    }

    public string ClientAddress { get; }
    public CookieContainer Cookies { get; }

    public async Task<PageResponse> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path.TrimStart('/'));
        return await ReadAsync(response);
    }

    /// <summary>Loads <paramref name="formPage"/> (as a person would), takes its CSRF token, and submits
    /// <paramref name="fields"/> to <paramref name="action"/> (the same page by default).</summary>
    public async Task<PageResponse> SubmitAsync(string formPage, IDictionary<string, string?> fields, string? action = null)
    {
        var page = await GetAsync(formPage);
        if (page.Code != 200) throw new InvalidOperationException($"GET {formPage} should show a form but answered:\n{page}");
        return await PostAsync(action ?? formPage, fields, CsrfToken(page.Html));
    }

    /// <summary>A raw POST with whatever token the caller chooses (or none): for the CSRF tests.</summary>
    public async Task<PageResponse> PostAsync(string action, IDictionary<string, string?> fields, string? csrfToken)
    {
        var all = fields.Where(kv => kv.Value is not null).Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value!)).ToList();
        if (csrfToken is not null) all.Add(new("csrf_token", csrfToken));
        using var response = await _http.PostAsync(action.TrimStart('/'), new FormUrlEncodedContent(all));
        return await ReadAsync(response);
    }

    /// <summary>Follows a redirect the way a browser would (GET the Location).</summary>
    public async Task<PageResponse> FollowAsync(PageResponse redirect)
    {
        if (redirect.Location is null) throw new InvalidOperationException($"Expected a redirect, got:\n{redirect}");
        return await GetAsync(redirect.Location);
    }

    public static string CsrfToken(string html)
    {
        var m = CsrfRegex().Match(html);
        if (!m.Success) throw new InvalidOperationException("The page has no CSRF token field:\n" + html);
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    private static async Task<PageResponse> ReadAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        return new PageResponse(response.StatusCode, html, response.Headers.Location?.ToString(), response);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("<input[^>]*name=\"csrf_token\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex CsrfRegex();
}
