namespace Cheeseshop.Core.Downloads;

/// <summary>
/// What a daily aggregate counts by. None of it identifies a person: no address, no agent string,
/// no time finer than a day, so aggregates are kept for ever while raw events expire.
/// </summary>
public readonly record struct DailyKey(
    DateOnly Date,
    Guid? ProjectId,
    string Project,
    string? Version,
    string? PackageType,
    string? CountryCode,
    string? Installer,
    string? PythonMajor,
    string? PythonMinor,
    string? System,
    bool? Ci)
{
    /// <summary>The key of one raw event: the Python version is reduced to major and minor here.</summary>
    public static DailyKey Of(DateOnly date, Guid? projectId, string project, string? version, string? packageType,
        string? countryCode, string? installer, string? python, string? system, bool? ci)
    {
        var (major, minor) = StatsPython.Split(python);
        return new DailyKey(date, projectId, project, version, packageType, countryCode, installer, major, minor, system, ci);
    }
}

/// <summary>Counts events by <see cref="DailyKey"/>; memory grows with distinct keys, not with events.</summary>
public sealed class DailyAggregator
{
    private readonly Dictionary<DailyKey, long> _counts = new();

    public long Events { get; private set; }

    public void Add(in DailyKey key, long count = 1)
    {
        System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_counts, key, out _) += count;
        Events += count;
    }

    public IReadOnlyDictionary<DailyKey, long> Counts => _counts;
}
