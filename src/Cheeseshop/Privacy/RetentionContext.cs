using Cheeseshop.Core.Privacy;
using Cheeseshop.Data;

namespace Cheeseshop.Privacy;

/// <summary>What one retention run works with.</summary>
public sealed record RetentionContext(CheeseshopDb Db, DateTime AsOf, bool DryRun, HeldSubjects Held, IReadOnlyList<RetentionRule> Rules)
{
    /// <summary>Records of <paramref name="key"/> older than this go; null when the class is kept indefinitely.</summary>
    public DateTime? Cutoff(string key) =>
        Rules.Single(r => r.Key == key).Days is { } days ? AsOf.AddDays(-days) : null;
}

/// <summary>One data class's enforcement. Returns how many rows it erased (or would, in a dry run).</summary>
public interface IRetentionTask
{
    string Key { get; }
    Task<long> ApplyAsync(RetentionContext context, CancellationToken ct);
}
