using Cheeseshop.Core.Audit;
using Cheeseshop.Core.Disclosure;
using Microsoft.EntityFrameworkCore;
using static Cheeseshop.Core.Disclosure.TableSpec;

namespace Cheeseshop.Disclosure.Generators;

/// <summary>3. connection-records: the change-log rows the subject submitted, the account's events and the project events the subject caused.</summary>
public sealed class ConnectionRecordsGenerator : ICategoryGenerator
{
    public static readonly TableSpec Journal = new("journal", "Rows of the public change log submitted by the subject.",
    [
        Integer("serial", "The change log serial"),
        Text("project", "The project's name at the time"),
        Text("version", "The version concerned, if any"),
        Text("action", "What was done, in the change log's words"),
        Time("time", "When"),
    ]);

    public static readonly TableSpec UserEvents = new("account-events", "Events of the subject's account.",
    [
        Integer("id", "The event's id"),
        Text("tag", "What happened"),
        Time("time", "When"),
        .. EventColumns.Client,
        Text("details", "The event's details (JSON; only allowlisted keys)"),
    ]);

    public static readonly TableSpec ProjectEvents = new("project-events", "Events of projects that the subject caused.",
    [
        Integer("id", "The event's id"),
        Text("project", "The project (empty if it was removed since)"),
        Text("tag", "What happened"),
        Time("time", "When"),
        .. EventColumns.Client,
        Text("details", "The event's details (JSON; only allowlisted keys)"),
    ]);

    public string Key => Core.Disclosure.Categories.ConnectionRecords;

    public async Task<CategoryOutcome> GenerateAsync(SubjectScope s, CategoryTables tables, CancellationToken ct)
    {
        var own = await s.OwnAddressesAsync(ct);
        var journal = await tables.WriteAsync(Journal, async w =>
        {
            var rows = s.Db.Journals.AsNoTracking()
                .Where(j => j.SubmittedById == s.Id && j.SubmittedDate >= s.From && j.SubmittedDate < s.End)
                .OrderBy(j => j.Id).Select(j => new { j.Id, j.Name, j.Version, j.Action, j.SubmittedDate }).AsAsyncEnumerable();
            await foreach (var j in rows.WithCancellation(ct)) w.Add(j.Id, j.Name, j.Version, j.Action, j.SubmittedDate);
        });
        long withheld = 0;
        var uses = new Dictionary<long, AddressUse>();
        var views = new Dictionary<long, IpView>();
        var accountEvents = await tables.WriteAsync(UserEvents, async w =>
        {
            var row = new object?[UserEvents.Columns.Count];
            await foreach (var e in EventRows.UserEvents(s, null).WithCancellation(ct))
            {
                var why = EventRows.Withheld(s, e, own);
                if (why is not null && e.Ip is not null) withheld++;
                if (why is null && e.Ip is { } ip) AddressUse.Count(uses, ip.Id, e.Time, e.Time, 1, e.Tag == EventTags.Account.Created);
                (row[0], row[1], row[2]) = (e.Id, e.Tag, e.Time);
                EventColumns.Fill(row, 3, e, why, views);
                row[11] = e.Details.Details;
                w.Add(row);
            }
        });
        s.AccountAddressUse = uses;
        var projectEvents = await tables.WriteAsync(ProjectEvents, async w =>
        {
            var row = new object?[ProjectEvents.Columns.Count];
            await foreach (var e in EventRows.ProjectEvents(s, null).WithCancellation(ct))
            {
                (row[0], row[1], row[2], row[3]) = (e.Id, e.Project, e.Tag, e.Time);
                EventColumns.Fill(row, 4, e, null, views);
                row[12] = e.Details.Details;
                w.Add(row);
            }
        });
        var held = journal.Rows + accountEvents.Rows + projectEvents.Rows > 0;
        return new CategoryOutcome(held, CategoryStatements.ConnectionRecords(journal.Rows, accountEvents.Rows, projectEvents.Rows, withheld, s.Windows));
    }
}
