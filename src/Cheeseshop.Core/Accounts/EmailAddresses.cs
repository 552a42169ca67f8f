namespace Cheeseshop.Core.Accounts;

/// <summary>Email address rules: what we accept, and how two spellings of one address compare.</summary>
public static class EmailAddresses
{
    /// <summary>RFC 5321's limit on a forward path.</summary>
    public const int MaxLength = 254;

    /// <summary>A person may keep several addresses (old work, new work), but not an unbounded list.</summary>
    public const int MaxPerAccount = 10;

    /// <summary>Why the address is refused, or null. Deliberately loose: the verification email is the real test.</summary>
    public static string? Problem(string? email)
    {
        if (string.IsNullOrWhiteSpace(email)) return "Enter an email address.";
        var trimmed = email.Trim();
        if (trimmed.Length > MaxLength) return $"This email address is too long (at most {MaxLength} characters).";
        if (trimmed.Any(char.IsControl) || trimmed.Any(char.IsWhiteSpace))
            return "An email address cannot contain spaces or control characters.";
        var at = trimmed.LastIndexOf('@');
        if (at <= 0 || at == trimmed.Length - 1 || !trimmed[(at + 1)..].Contains('.') || trimmed[(at + 1)..].EndsWith('.'))
            return $"'{trimmed}' is not a valid email address: it should look like name@example.org.";
        return null;
    }

    /// <summary>Addresses compare without regard to case: in practice every mail system ignores it,
    /// and treating "Alice@x" and "alice@x" as two accounts' addresses would invite confusion.</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
