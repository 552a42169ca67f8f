using System.Net;
using System.Threading.RateLimiting;
using Cheeseshop.Core.Privacy;

namespace Cheeseshop.RateLimits;

/// <summary>
/// Limits that are checked inside an endpoint: uploads per client (before the credentials are read) and
/// per account (after), and verification mail per account. Each answer is null (go on) or the seconds
/// until trying again makes sense. Partitions of idle clients and accounts are dropped by the framework.
/// </summary>
public sealed class AccountLimiter(RateLimitOptions options, IpAddressHasher hasher) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _uploadClients = Create<string>(options.UploadsPerHourPerClient);
    private readonly PartitionedRateLimiter<Guid> _uploadAccounts = Create<Guid>(options.UploadsPerHourPerAccount);
    private readonly PartitionedRateLimiter<Guid> _verificationMail = Create<Guid>(options.VerificationMailsPerHourPerAccount);

    public int? UploadByClient(IPAddress? address) =>
        address is null ? null : Take(_uploadClients, hasher.Hash(address));

    public int? UploadByAccount(Guid userId) => Take(_uploadAccounts, userId);

    public int? VerificationMail(Guid userId) => Take(_verificationMail, userId);

    private static PartitionedRateLimiter<TKey> Create<TKey>(int perHour) where TKey : notnull =>
        PartitionedRateLimiter.Create<TKey, TKey>(key => perHour == 0
            ? RateLimitPartition.GetNoLimiter(key)
            : RateLimitPartition.GetTokenBucketLimiter(key, _ => RateLimitRegistration.PerHour(perHour)));

    private static int? Take<TKey>(PartitionedRateLimiter<TKey> limiter, TKey key)
    {
        using var lease = limiter.AttemptAcquire(key);
        return lease.IsAcquired ? null : RateLimitRegistration.RetryAfterSeconds(lease);
    }

    public void Dispose()
    {
        _uploadClients.Dispose();
        _uploadAccounts.Dispose();
        _verificationMail.Dispose();
    }
}
