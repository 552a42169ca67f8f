using System.Text;

namespace Cheeseshop.Core.Accounts;

/// <summary>
/// The username an account made at a first single sign-on gets: the provider's preferred_username, or
/// else the part of the address before '@', reduced to what a username may hold. When that name is
/// taken, "-2", "-3"... is appended (<see cref="WithSuffix"/>).
/// </summary>
public static class SsoUsernames
{
    /// <summary>Leaves room for a suffix within the 50 characters a username may have.</summary>
    private const int BaseLength = 44;

    public static string Base(string? preferredUsername, string? email)
    {
        var fromPreferred = Clean(preferredUsername);
        if (fromPreferred.Length > 0) return fromPreferred;
        var local = email is { } e && e.IndexOf('@') is var at and >= 0 ? e[..at] : email;
        var fromEmail = Clean(local);
        return fromEmail.Length > 0 ? fromEmail : "user";
    }

    public static string WithSuffix(string baseName, int attempt) => attempt <= 1 ? baseName : $"{baseName}-{attempt}";

    /// <summary>Characters a username cannot hold become '-', runs of separators collapse, and the ends are
    /// letters or digits. The reserved tombstone name is not offered.</summary>
    private static string Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "";
        var sb = new StringBuilder();
        foreach (var c in value.Trim())
        {
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');
            if (ok) sb.Append(c);
            else if (sb.Length > 0 && sb[^1] is not ('-' or '.' or '_')) sb.Append(c is '.' or '_' ? c : '-');
        }
        var cleaned = sb.ToString().TrimEnd('-', '.', '_');
        if (cleaned.Length > BaseLength) cleaned = cleaned[..BaseLength].TrimEnd('-', '.', '_');
        return string.Equals(cleaned, Usernames.Tombstone, StringComparison.OrdinalIgnoreCase) ? "" : cleaned;
    }
}
