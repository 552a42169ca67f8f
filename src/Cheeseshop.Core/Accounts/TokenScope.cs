using System.Globalization;
using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Core.Accounts;

/// <summary>What an API token may do. The numbers are stored: Upload is 0 so that tokens made before
/// scopes existed keep the power they were issued with.</summary>
public enum TokenScope
{
    /// <summary>Upload (to every project of the account, or to one) and read.</summary>
    Upload = 0,
    /// <summary>Read a private index (install packages); never upload.</summary>
    Read = 1,
}

/// <summary>The rules of token scopes and lifetimes, as the CLI, the manage page and the server apply them.</summary>
public static class TokenRules
{
    /// <summary>The longest lifetime a token may be given, so that a typo cannot make one outlive its owner.</summary>
    public const int MaxLifetimeDays = 3650;

    public const string ReadOnlyUpload =
        "This API token is read-only: it can install packages but not upload them. Upload with a token of scope 'upload'.";

    public static string Name(TokenScope scope) => scope == TokenScope.Read ? "read" : "upload";

    /// <summary>"upload" or "read", as the CLI's --scope and the manage page's form give it.</summary>
    public static bool TryParseScope(string? text, out TokenScope scope)
    {
        scope = TokenScope.Upload;
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "upload": return true;
            case "read": scope = TokenScope.Read; return true;
            default: return false;
        }
    }

    public static bool MayUpload(TokenScope scope) => scope == TokenScope.Upload;

    /// <summary>
    /// A lifetime such as "90d" (days; "w" weeks also accepted) into the expiry instant counted from
    /// <paramref name="now"/>; null text means the token never expires. Returns an error message for
    /// anything else, or a lifetime of zero or more than <see cref="MaxLifetimeDays"/> days.
    /// </summary>
    public static string? TryParseExpiry(string? text, DateTime now, out DateTime? expires)
    {
        expires = null;
        if (text is null) return null;
        var t = text.Trim().ToLowerInvariant();
        var unit = t.Length > 0 ? t[^1] : ' ';
        var days = unit switch { 'd' => 1, 'w' => 7, _ => 0 };
        if (days == 0 || !int.TryParse(t.AsSpan(0, t.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count < 1 || (long)count * days > MaxLifetimeDays)
            return $"'{text}' is not a token lifetime: give a number of days or weeks such as 90d or 12w, at most {MaxLifetimeDays} days.";
        expires = now.AddDays((long)count * days);
        return null;
    }

    /// <summary>A token stops working at its expiry instant, not a moment later.</summary>
    public static bool IsExpired(DateTime? expires, DateTime now) => expires is { } e && now >= e;

    /// <summary>
    /// Whether a token limited to the project <paramref name="normalizedProject"/> covers a stored file.
    /// Distribution filenames start with the project's name and a '-' (sdists) or '_' (wheels), then
    /// the version, which starts with a digit: that digit tells "foo-1.0" (project foo) from "foo-bar-1.0"
    /// (project foo-bar). Normalizing the filename maps '_' and '.' to '-' as project names are mapped.
    /// </summary>
    public static bool ProjectCoversFile(string normalizedProject, string filename)
    {
        var n = ProjectName.Normalize(filename);
        return n.Length > normalizedProject.Length + 1
               && n.StartsWith(normalizedProject, StringComparison.Ordinal)
               && n[normalizedProject.Length] == '-'
               && char.IsAsciiDigit(n[normalizedProject.Length + 1]);
    }
}
