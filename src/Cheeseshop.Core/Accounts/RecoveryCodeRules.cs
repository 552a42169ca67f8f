using System.Security.Cryptography;
using System.Text;

namespace Cheeseshop.Core.Accounts;

/// <summary>
/// Two-factor recovery codes: eight codes of 16 hex digits (64 random bits each, as warehouse issues),
/// shown once and stored as SHA-256. A fast hash is enough: the codes are random, not chosen by people,
/// and each works only once. Input is forgiving about case, spaces and dashes, because people copy
/// them from paper.
/// </summary>
public static class RecoveryCodeRules
{
    public const int Count = 8;

    public static IReadOnlyList<string> Generate() =>
        Enumerable.Range(0, Count).Select(_ => Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant()).ToList();

    /// <summary>The form a code is hashed in: lower-case hex without separators; null when it cannot be a code.</summary>
    public static string? Normalize(string? input)
    {
        if (input is null) return null;
        var cleaned = new string(input.Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray()).ToLowerInvariant();
        return cleaned.Length == 16 && cleaned.All(Uri.IsHexDigit) ? cleaned : null;
    }

    public static byte[] Hash(string normalizedCode) => SHA256.HashData(Encoding.ASCII.GetBytes(normalizedCode));
}
