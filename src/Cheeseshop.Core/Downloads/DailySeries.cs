namespace Cheeseshop.Core.Downloads;

/// <summary>
/// One point of a precomputed daily series: what the stats API reads. For <see cref="DailySeries.Overall"/>
/// the value is the installer (so the installer breakdown reads it too); for the others it is the Python
/// version, the system, the country or the release version. Mirror downloads are kept apart by a flag.
/// </summary>
public readonly record struct SeriesKey(DateOnly Date, Guid? ProjectId, string Breakdown, string? Value, bool Mirror);

/// <summary>
/// Derives the API's small series from the full daily counts. The full counts cross every dimension
/// (a popular project has thousands of combinations a day); each series keeps one dimension, so an API
/// answer reads a few hundred rows however many downloads there were.
/// </summary>
public static class DailySeries
{
    public const string Overall = "overall";

    /// <summary>The series a breakdown is read from (installer is read from the overall series).</summary>
    public static string Of(StatsBreakdown breakdown) => breakdown switch
    {
        StatsBreakdown.Overall or StatsBreakdown.Installer => Overall,
        _ => breakdown.PathName(),
    };

    public static Dictionary<SeriesKey, long> From(IEnumerable<KeyValuePair<DailyKey, long>> counts)
    {
        var series = new Dictionary<SeriesKey, long>();
        void Add(DailyKey k, string breakdown, string? value, bool mirror, long n) =>
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(series, new SeriesKey(k.Date, k.ProjectId, breakdown, value, mirror), out _) += n;

        foreach (var (k, n) in counts)
        {
            var mirror = Mirrors.IsMirror(k.Installer);
            Add(k, Overall, k.Installer, mirror, n);
            Add(k, StatsBreakdown.PythonMajor.PathName(), k.PythonMajor, mirror, n);
            Add(k, StatsBreakdown.PythonMinor.PathName(), k.PythonMinor, mirror, n);
            Add(k, StatsBreakdown.System.PathName(), k.System, mirror, n);
            Add(k, StatsBreakdown.Country.PathName(), k.CountryCode, mirror, n);
            Add(k, StatsBreakdown.Version.PathName(), k.Version, mirror, n);
        }
        return series;
    }
}
