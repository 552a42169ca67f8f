namespace Cheeseshop.Core.Downloads;

/// <summary>
/// Which days a rollup recomputes. Each day's aggregates are rebuilt whole from that day's raw events
/// (delete, then insert), so running twice gives the same rows. Days stay open for recomputation until a
/// run happens <see cref="Grace"/> after they ended (late writes from the queue land by then); from then on
/// they are final, and only those final days may lose raw events to retention.
/// </summary>
/// <param name="Days">The days to rebuild; null when there is nothing to do.</param>
/// <param name="NextFrom">The first day the next run rebuilds (never earlier than before).</param>
public sealed record RollupPlan(DayRange? Days, DateOnly NextFrom)
{
    public static readonly TimeSpan Grace = TimeSpan.FromHours(1);

    /// <param name="recomputeFrom">The stored first open day; null before the first run.</param>
    /// <param name="earliestEvent">The day of the oldest raw event; null when there is none.</param>
    /// <param name="asOf">The time the run acts as of: its day is included, possibly partial.</param>
    /// <param name="from">An operator's request to rebuild from an earlier day (stats rollup --from).</param>
    /// <param name="intactFrom">The first day whose raw events retention cannot have touched yet; an
    /// operator's --from is not allowed before it, as rebuilding a thinned-out day would lose counts.</param>
    public static RollupPlan Make(DateOnly? recomputeFrom, DateOnly? earliestEvent, DateTime asOf, DateOnly? from = null, DateOnly? intactFrom = null)
    {
        var last = DateOnly.FromDateTime(asOf);
        var first = recomputeFrom ?? earliestEvent ?? last;
        if (from is { } f && f < first)
            first = intactFrom is { } floor && f < floor ? (floor < first ? floor : first) : f;

        var closed = DateOnly.FromDateTime(asOf - Grace);
        var nextFrom = recomputeFrom is { } r && r > closed ? r : closed;
        return new RollupPlan(first <= last ? new DayRange(first, last) : null, nextFrom);
    }
}
