using System.Text.RegularExpressions;

namespace Cheeseshop.Core.Accounts;

/// <summary>Username rules, as PyPI's: letters, digits, '.', '_', '-'; starts and ends alphanumeric; at most 50.</summary>
public static partial class Usernames
{
    /// <summary>The tombstone that public history is reattributed to when an account is deleted.</summary>
    public const string Tombstone = "deleted-user";

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,48}[A-Za-z0-9])?$")]
    private static partial Regex Pattern();

    public static string? Problem(string username) =>
        Pattern().IsMatch(username) ? null
        : "Usernames are 1 to 50 characters: letters, digits, '.', '_' or '-', starting and ending with a letter or digit.";

    /// <summary>Usernames are unique without regard to case.</summary>
    public static string Normalize(string username) => username.ToLowerInvariant();
}
