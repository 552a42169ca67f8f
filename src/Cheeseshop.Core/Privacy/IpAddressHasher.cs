using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Cheeseshop.Core.Privacy;

/// <summary>
/// The keyed hash that stands for a client address everywhere except the ip_addresses row:
/// HMAC-SHA256 under a server secret that never enters the database. Without the secret the hash
/// cannot be reversed by trying all 2^32 IPv4 addresses, which a plain hash could.
/// Addresses are canonicalised first (IPv4-mapped IPv6 becomes IPv4) so one client has one hash.
/// </summary>
public sealed class IpAddressHasher
{
    private readonly byte[] _key;

    public IpAddressHasher(byte[] key)
    {
        if (key.Length < 32) throw new ArgumentException("The IP hashing key must be at least 32 bytes.", nameof(key));
        _key = key;
    }

    public static string Canonical(IPAddress address) =>
        (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    public string Hash(IPAddress address) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(Canonical(address))));
}
