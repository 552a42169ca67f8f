using System.Globalization;
using System.Text.RegularExpressions;
using Cheeseshop.Tests.Infrastructure;
using Cheeseshop.Tests.Legal;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Accounts;

/// <summary>
/// What the legal-request tests (Legal/) add to the account steps: the legal verbs run as an operator runs
/// them, packages read back, and the list of secrets no package may ever hold.
/// </summary>
public abstract partial class AccountTest
{
    protected static DateTime Today => DateTime.UtcNow.Date;

    protected static string Day(DateTime t) => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    protected static string Instant(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>`legal create` with the given options; asserts it printed the new id alone on stdout.</summary>
    protected async Task<long> CreateRequestAsync(CheeseshopServer server, params string[] options)
    {
        var result = await CliAsync(server, ["legal", "create", .. options]);
        AssertSucceeded(result, "legal create");
        if (!long.TryParse(result.Stdout.Trim(), out var id)) Fail($"legal create should print the request's id alone on stdout.\n{result}");
        return id;
    }

    /// <summary>A subpoena for the subjects, received today and due in 30 days, with any further options.</summary>
    protected Task<long> SubpoenaAsync(CheeseshopServer server, string[] subjects, params string[] more) =>
        CreateRequestAsync(server, ["--kind", "subpoena", "--authority", "United States Department of Justice", "--reference", "GJ-2026-" + Guid.NewGuid().ToString("N")[..4],
            "--received", Day(Today), "--due", Day(Today.AddDays(30)), .. subjects.SelectMany(s => new[] { "--subject", s }), .. more]);

    /// <summary>`legal produce ID --out FILE --as-of TIME`; checks the printed "SHA256  PATH" line against the file.</summary>
    protected async Task<(DisclosurePackage Package, string Sha256, string Path)> ProduceAsync(CheeseshopServer server, long id, string? asOf = null, string? path = null)
    {
        path ??= System.IO.Path.Combine(TempPaths.NewDirectory("package"), $"request-{id}.zip");
        var args = new List<string> { "legal", "produce", id.ToString(CultureInfo.InvariantCulture), "--out", path };
        if (asOf is not null) args.AddRange(["--as-of", asOf]);
        var result = await CliAsync(server, args.ToArray());
        AssertSucceeded(result, $"legal produce {id}");
        return ReadProduced(result, path);
    }

    protected (DisclosurePackage Package, string Sha256, string Path) ReadProduced(ProcessResult result, string path)
    {
        var m = Regex.Match(result.Stdout, "^([0-9a-f]{64})  (.+)$", RegexOptions.Multiline);
        if (!m.Success) Fail($"The command should print \"SHA256  PATH\".\n{result}");
        AssertEqual(System.IO.Path.GetFullPath(path), m.Groups[2].Value.Trim(), "the printed path");
        AssertEqual(Sha256Of(path), m.Groups[1].Value, "the printed sha256 is the file's");
        return (DisclosurePackage.Read(path), m.Groups[1].Value, path);
    }

    /// <summary>
    /// What no package may hold, read from the server: every password hash, TOTP secret (as stored),
    /// recovery-code hash, API token hash (hex and base64) and the IP-hashing secret (raw, hex and base64).
    /// Tests add the plaintexts they saw (token values, TOTP keys, recovery codes, session cookies).
    /// </summary>
    protected static async Task<List<string>> StoredSecretsAsync(CheeseshopServer server)
    {
        var secrets = new List<string>();
        await using var db = ServerDatabase.Open(server);
        secrets.AddRange(await db.Users.Where(u => u.PasswordHash != null).Select(u => u.PasswordHash!).ToListAsync());
        secrets.AddRange(await db.Users.Where(u => u.TotpSecretProtected != null).Select(u => u.TotpSecretProtected!).ToListAsync());
        foreach (var hash in await db.ApiTokens.Select(t => t.SecretHash).ToListAsync())
            if (hash.Length > 0) secrets.AddRange([Convert.ToHexStringLower(hash), Convert.ToHexString(hash), Convert.ToBase64String(hash)]);
        foreach (var hash in await db.RecoveryCodes.Select(r => r.CodeHash).ToListAsync())
            secrets.AddRange([Convert.ToHexStringLower(hash), Convert.ToBase64String(hash)]);
        var key = await File.ReadAllBytesAsync(System.IO.Path.Combine(server.DataDir, "secrets", "ip-hash.key"));
        secrets.AddRange([Convert.ToHexStringLower(key), Convert.ToHexString(key), Convert.ToBase64String(key)]);
        return secrets;
    }

    /// <summary>Fails naming the entry and the secret's first characters if any entry (or the raw zip) holds any of them.</summary>
    protected void AssertNoSecrets(DisclosurePackage package, IEnumerable<string> secrets, string what)
    {
        foreach (var secret in secrets.Where(s => s.Length >= 8).Distinct())
        {
            var found = package.EntriesHolding(secret);
            if (ServerDatabase.Contains(package.Bytes, secret)) found.Add("(the zip's raw bytes)");
            if (found.Count > 0) Fail($"{what}: a secret ({secret[..6]}...) is in {string.Join(", ", found)}");
        }
        // The raw key may hold any byte sequence; it is checked as bytes above through its encodings, and here as itself.
    }

    /// <summary>The session cookie's value: a session id no package may hold.</summary>
    protected static string SessionCookie(CheeseshopServer server, Browser browser) =>
        browser.Cookies.GetCookies(new Uri(server.BaseUrl))["cheeseshop_session"]?.Value
        ?? throw new InvalidOperationException("The browser has no session cookie.");

    protected static string TokenFrom(string html) => Regex.Match(html, "id=\"new-token\">([^<]+)<").Groups[1].Value;

    /// <summary>Creates an API token on the tokens page (the email must be verified); returns it.</summary>
    protected async Task<string> CreateTokenOnPageAsync(Browser browser, string description)
    {
        var created = await SubmitHandlerAsync(browser, "/manage/account/tokens", "Create",
            Form(("description", description), ("project", ""), ("password", Password)));
        AssertStatus(200, created, "creating a token");
        var token = TokenFrom(created.Html);
        Assert.StartsWith("cheeseshop-", token);
        return token;
    }
}
