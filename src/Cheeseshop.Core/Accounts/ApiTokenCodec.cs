using System.Buffers.Text;
using System.Security.Cryptography;

namespace Cheeseshop.Core.Accounts;

/// <summary>
/// API tokens: "cheeseshop-" + a public id + "." + a 256-bit secret. The id finds the row; only
/// SHA-256 of the secret is stored (the secret is random, so a slow hash adds nothing), and the
/// comparison is constant-time. The whole token is shown once, when created.
/// </summary>
public static class ApiTokenCodec
{
    public const string Prefix = "cheeseshop-";

    public sealed record Issued(Guid Id, string Token, byte[] SecretHash);

    public static Issued Create()
    {
        var id = Guid.NewGuid();
        var secret = RandomNumberGenerator.GetBytes(32);
        var token = Prefix + Base64Url.EncodeToString(id.ToByteArray()) + "." + Base64Url.EncodeToString(secret);
        return new Issued(id, token, SHA256.HashData(secret));
    }

    /// <summary>Splits a presented token into its id and the hash of its secret; false if it is not one of ours.</summary>
    public static bool TryParse(string? token, out Guid id, out byte[] secretHash)
    {
        id = Guid.Empty;
        secretHash = [];
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 200) return false;
        var body = token.AsSpan(Prefix.Length);
        var dot = body.IndexOf('.');
        if (dot <= 0) return false;
        try
        {
            var idBytes = Base64Url.DecodeFromChars(body[..dot]);
            var secret = Base64Url.DecodeFromChars(body[(dot + 1)..]);
            if (idBytes.Length != 16 || secret.Length != 32) return false;
            id = new Guid(idBytes);
            secretHash = SHA256.HashData(secret);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static bool Matches(byte[] presentedHash, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(presentedHash, storedHash);
}
