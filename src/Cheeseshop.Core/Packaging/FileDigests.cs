using System.Security.Cryptography;
using Blake2 = NSec.Cryptography;

namespace Cheeseshop.Core.Packaging;

/// <summary>The three digests PyPI records for a file, as lower-case hex.</summary>
public sealed record FileDigests(string Md5, string Sha256, string Blake2b256)
{
    /// <summary>PyPI's storage layout: b2[0:2]/b2[2:4]/b2[4:]/filename.</summary>
    public string StoragePath(string filename) => $"{Blake2b256[..2]}/{Blake2b256[2..4]}/{Blake2b256[4..]}/{filename}";
}

/// <summary>Computes MD5, SHA-256 and BLAKE2b-256 in one pass, so an upload is read exactly once.</summary>
public sealed class FileDigester : IDisposable
{
    private readonly System.Security.Cryptography.IncrementalHash _md5 = System.Security.Cryptography.IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly System.Security.Cryptography.IncrementalHash _sha256 = System.Security.Cryptography.IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private Blake2.IncrementalHash _blake2;

    public FileDigester() => Blake2.IncrementalHash.Initialize(Blake2.HashAlgorithm.Blake2b_256, out _blake2);

    public long Length { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        _md5.AppendData(data);
        _sha256.AppendData(data);
        Blake2.IncrementalHash.Update(ref _blake2, data);
        Length += data.Length;
    }

    public FileDigests Finish() => new(
        Convert.ToHexStringLower(_md5.GetHashAndReset()),
        Convert.ToHexStringLower(_sha256.GetHashAndReset()),
        Convert.ToHexStringLower(Blake2.IncrementalHash.Finalize(ref _blake2)));

    public static FileDigests Of(ReadOnlySpan<byte> data)
    {
        using var d = new FileDigester();
        d.Append(data);
        return d.Finish();
    }

    public void Dispose()
    {
        _md5.Dispose();
        _sha256.Dispose();
    }
}
