namespace Cheeseshop.Core.Disclosure;

/// <summary>One recorded request, reduced to what the transparency report counts.</summary>
/// <param name="AccountKeys">One stable key per subject account (its id), so an account named in several requests counts once.</param>
/// <param name="Notified">Subjects whose notice was sent.</param>
/// <param name="NoticesDelayed">Subjects whose notice was (or still is) held back by a nondisclosure order.</param>
public sealed record TransparencyRequest(
    long Id, string Kind, string Authority, DateTime Received, DateTime? ClosedAt, string? Outcome,
    DateTime? NondisclosureUntil, IReadOnlyList<string> AccountKeys, int Notified, int NoticesDelayed,
    IReadOnlyList<string> CategoriesDisclosed);

public sealed record KindCounts(
    string Kind, int Received, int AnsweredInFull, int AnsweredInPart, int AnsweredWithNothing, int Withdrawn, int Open,
    int AccountsAffected, int UsersNotified, int NoticesDelayed);

/// <summary>A request listed by itself. Never one still under a nondisclosure order, never a user's own data request.</summary>
public sealed record TransparencyItem(string Kind, string Authority, DateTime Received, string Status, int Accounts, IReadOnlyList<string> CategoriesDisclosed);

public sealed record TransparencyPeriod(HalfYear Period, IReadOnlyList<KindCounts> ByKind, KindCounts Totals, int PreservationRequests, int UnderOrder, IReadOnlyList<TransparencyItem> Items);

/// <summary>
/// The transparency report: per half-year (by date received) and kind, how many requests came, how
/// they were answered, how many accounts they concerned, how many users were told and how many notices
/// an order delayed. Requests still under a nondisclosure order are counted but never itemised.
/// </summary>
public sealed record TransparencyReport(DateTime AsOf, string InstanceName, IReadOnlyList<TransparencyPeriod> Periods)
{
    public const string AllKinds = "all";

    /// <param name="only">One half-year (shown even when empty); null: every half-year with a request, newest first.</param>
    public static TransparencyReport Build(IEnumerable<TransparencyRequest> requests, DateTime asOf, HalfYear? only, string instanceName)
    {
        var byPeriod = requests.GroupBy(r => HalfYear.Of(r.Received)).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Received).ThenBy(r => r.Id).ToList());
        var periods = only is { } p ? [p] : byPeriod.Keys.OrderDescending().ToList();
        return new TransparencyReport(asOf, instanceName,
            periods.Select(period => BuildPeriod(period, byPeriod.GetValueOrDefault(period) ?? [], asOf)).ToList());
    }

    private static TransparencyPeriod BuildPeriod(HalfYear period, List<TransparencyRequest> rows, DateTime asOf)
    {
        var byKind = RequestKinds.All.Select(kind => Count(kind, rows.Where(r => r.Kind == kind).ToList())).ToList();
        var items = rows
            .Where(r => r.Kind != RequestKinds.DataSubject && !UnderOrder(r, asOf))
            .Select(r => new TransparencyItem(r.Kind, r.Authority, r.Received, Status(r), r.AccountKeys.Count, r.CategoriesDisclosed))
            .ToList();
        return new TransparencyPeriod(period, byKind, Count(AllKinds, rows),
            rows.Count(r => r.Kind == RequestKinds.Preservation), rows.Count(r => UnderOrder(r, asOf)), items);
    }

    private static bool UnderOrder(TransparencyRequest r, DateTime asOf) => r.NondisclosureUntil is { } until && until > asOf;

    private static KindCounts Count(string kind, List<TransparencyRequest> rows) => new(
        kind, rows.Count,
        rows.Count(r => r.ClosedAt is not null && r.Outcome == RequestOutcomes.Produced),
        rows.Count(r => r.ClosedAt is not null && r.Outcome == RequestOutcomes.Partial),
        rows.Count(r => r.ClosedAt is not null && r.Outcome == RequestOutcomes.None),
        rows.Count(r => r.ClosedAt is not null && r.Outcome == RequestOutcomes.Withdrawn),
        rows.Count(r => r.ClosedAt is null),
        rows.SelectMany(r => r.AccountKeys).Distinct().Count(),
        rows.Sum(r => r.Notified),
        rows.Sum(r => r.NoticesDelayed));

    private static string Status(TransparencyRequest r) => r.ClosedAt is null ? "open" : r.Outcome switch
    {
        RequestOutcomes.Produced => "answered in full",
        RequestOutcomes.Partial => "answered in part",
        RequestOutcomes.None => "answered with nothing",
        RequestOutcomes.Withdrawn => "withdrawn",
        _ => "closed",
    };

    /// <summary>The column headings, in the order every format uses.</summary>
    public static IReadOnlyList<(string Key, string Heading)> Columns { get; } =
    [
        ("received", "Received"), ("answered_in_full", "Answered in full"), ("answered_in_part", "Answered in part"),
        ("answered_with_nothing", "Answered with nothing"), ("withdrawn", "Withdrawn"), ("open", "Still open"),
        ("accounts_affected", "Accounts affected"), ("users_notified", "Users notified"), ("notices_delayed_by_order", "Notices delayed by an order"),
    ];

    public static IReadOnlyList<int> Values(KindCounts c) =>
        [c.Received, c.AnsweredInFull, c.AnsweredInPart, c.AnsweredWithNothing, c.Withdrawn, c.Open, c.AccountsAffected, c.UsersNotified, c.NoticesDelayed];
}
