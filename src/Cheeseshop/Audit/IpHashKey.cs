using System.Security.Cryptography;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Privacy;

namespace Cheeseshop.Audit;

/// <summary>
/// The secret behind the keyed IP hashes. It never enters the database: a copy of the database alone
/// cannot link hashes back to addresses. The embedded default generates it on first start into
/// DATA_DIR/secrets/ip-hash.key with mode 0600; several nodes must share one file (IpHashKeyFile).
/// </summary>
public static class IpHashKey
{
    /// <summary>The key file: IpHashKeyFile, or the data directory's own.</summary>
    public static string PathOf(CheeseshopOptions options, DataDirectory dataDir) =>
        options.IpHashKeyFile ?? Path.Combine(dataDir.Root, "secrets", "ip-hash.key");

    public static IpAddressHasher Load(CheeseshopOptions options, DataDirectory dataDir)
    {
        var path = PathOf(options, dataDir);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var key = RandomNumberGenerator.GetBytes(32);
            try
            {
                using var stream = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew, Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
                stream.Write(key);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first; use theirs.
            }
        }
        return new IpAddressHasher(File.ReadAllBytes(path));
    }
}
