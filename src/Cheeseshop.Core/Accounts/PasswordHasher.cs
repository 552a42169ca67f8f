using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Cheeseshop.Core.Accounts;

/// <summary>
/// Argon2id password hashes in the PHC string format ($argon2id$v=19$m=..,t=..,p=1$salt$hash), so
/// the parameters travel with each hash and can be raised later without invalidating old ones.
/// libsodium (through NSec) only supports one lane, hence p=1.
/// </summary>
public sealed class PasswordHasher(int memoryKiB = 19 * 1024, int passes = 2)
{
    private const int HashBytes = 32;

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Derive(password, salt, memoryKiB, passes);
        return $"$argon2id$v=19$m={memoryKiB},t={passes},p=1${B64(salt)}${B64(hash)}";
    }

    /// <summary>Constant-time check of a password against a stored PHC string; false for anything malformed.</summary>
    public static bool Verify(string password, string? stored)
    {
        if (stored is null) return false;
        var parts = stored.Split('$');
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.Length != 6 || parts[1] != "argon2id" || parts[2] != "v=19") return false;
        int m = 0, t = 0;
        foreach (var kv in parts[3].Split(','))
        {
            var pair = kv.Split('=');
            if (pair.Length != 2 || !int.TryParse(pair[1], out var value)) return false;
            if (pair[0] == "m") m = value;
            else if (pair[0] == "t") t = value;
            else if (pair[0] == "p" && value != 1) return false;
        }
        if (m <= 0 || t <= 0) return false;
        byte[] salt, expected;
        try { salt = UnB64(parts[4]); expected = UnB64(parts[5]); }
        catch (FormatException) { return false; }
        if (salt.Length != 16 || expected.Length != HashBytes) return false;
        var actual = Derive(password, salt, m, t);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static byte[] Derive(string password, byte[] salt, int memoryKiB, int passes)
    {
        var algorithm = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = memoryKiB,
            NumberOfPasses = passes,
        });
        return algorithm.DeriveBytes(Encoding.UTF8.GetBytes(password), salt, HashBytes);
    }

    // PHC strings use standard base64 without padding.
    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');
    private static byte[] UnB64(string text) => Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='));
}
