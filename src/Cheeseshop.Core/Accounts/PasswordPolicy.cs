namespace Cheeseshop.Core.Accounts;

/// <summary>
/// What a new password must satisfy. Length is the rule that matters (NIST SP 800-63B): at least 8
/// characters, and not one of the passwords attackers try first. Composition rules ("a digit and a
/// symbol") are deliberately absent: they push people to predictable variations.
/// The list of common passwords is handed in, so this stays a pure rule with no file or network access.
/// </summary>
public sealed class PasswordPolicy(IReadOnlySet<string> commonPasswords)
{
    public const int MinLength = 8;

    /// <summary>Argon2 takes any length, but a cap keeps a single request from costing a megabyte of hashing input.</summary>
    public const int MaxLength = 1024;

    /// <summary>The reason the password is refused, in words for the person choosing it; null when it is acceptable.</summary>
    public string? Problem(string? password, string? username = null)
    {
        if (string.IsNullOrEmpty(password))
            return "Enter a password.";
        if (password.Length < MinLength)
            return $"This password is too short: use at least {MinLength} characters (a few unrelated words make a good one).";
        if (password.Length > MaxLength)
            return $"This password is too long: use at most {MaxLength} characters.";
        if (username is not null && string.Equals(password.Trim(), username, StringComparison.OrdinalIgnoreCase))
            return "Your password must not be your username.";
        if (commonPasswords.Contains(password.ToLowerInvariant()))
            return "This password appears in public lists of breached passwords, so attackers try it first. Choose a different one.";
        return null;
    }

    /// <summary>Why a password typed twice (<paramref name="which"/>: "passwords" or "new passwords") cannot be taken:
    /// the two differ; null when they are the same.</summary>
    public static string? ConfirmationProblem(string? password, string? confirmation, string which = "passwords") =>
        password == confirmation ? null : $"The two {which} are not the same. Type the same password in both fields.";
}
