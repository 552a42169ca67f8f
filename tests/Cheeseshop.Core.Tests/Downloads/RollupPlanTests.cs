using Cheeseshop.Core.Downloads;

namespace Cheeseshop.Core.Tests.Downloads;

public class RollupPlanTests
{
    private static DateOnly D(int day) => new(2026, 5, day);
    private static DateTime At(int day, int hour, int minute = 0) => new(2026, 5, day, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public void The_first_run_starts_at_the_oldest_event_and_includes_today_so_far()
    {
        var plan = RollupPlan.Make(null, D(3), At(10, 12));
        Assert.Equal(new DayRange(D(3), D(10)), plan.Days);
        Assert.Equal(D(10), plan.NextFrom); // today is still open
    }

    [Fact]
    public void Without_any_event_only_today_is_built()
    {
        var plan = RollupPlan.Make(null, null, At(10, 12));
        Assert.Equal(new DayRange(D(10), D(10)), plan.Days);
    }

    [Fact]
    public void Yesterday_stays_open_for_an_hour_after_midnight()
    {
        var early = RollupPlan.Make(D(9), null, At(10, 0, 30));
        Assert.Equal(new DayRange(D(9), D(10)), early.Days);
        Assert.Equal(D(9), early.NextFrom);
        var later = RollupPlan.Make(D(9), null, At(10, 1, 5));
        Assert.Equal(new DayRange(D(9), D(10)), later.Days);
        Assert.Equal(D(10), later.NextFrom);
        var next = RollupPlan.Make(later.NextFrom, null, At(10, 2));
        Assert.Equal(new DayRange(D(10), D(10)), next.Days);
    }

    [Fact]
    public void An_earlier_as_of_never_moves_the_open_day_back()
    {
        var plan = RollupPlan.Make(D(20), null, At(10, 12));
        Assert.Null(plan.Days);
        Assert.Equal(D(20), plan.NextFrom);
    }

    [Fact]
    public void From_rebuilds_older_days_but_not_those_retention_may_have_thinned()
    {
        Assert.Equal(new DayRange(D(2), D(10)), RollupPlan.Make(D(10), null, At(10, 12), from: D(2), intactFrom: D(1)).Days);
        Assert.Equal(new DayRange(D(5), D(10)), RollupPlan.Make(D(10), null, At(10, 12), from: D(2), intactFrom: D(5)).Days);
        // A later --from than the open day changes nothing: open days are always rebuilt.
        Assert.Equal(new DayRange(D(8), D(10)), RollupPlan.Make(D(8), null, At(10, 12), from: D(9)).Days);
    }
}
