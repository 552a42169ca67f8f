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
        var journal = await tables.WriteAsync(Journal, async w =>
        {
            await foreach (var page in Paging.PagesAsync(after => s.Db.Journals.AsNoTracking()
                               .Where(j => j.SubmittedById == s.Id && j.Id > after && j.SubmittedDate >= s.From && j.SubmittedDate < s.End)
                               .OrderBy(j => j.Id).Select(j => new { j.Id, j.Name, j.Version, j.Action, j.SubmittedDate }), r => r.Id, ct))
                foreach (var j in page) w.Add(j.Id, j.Name, j.Version, j.Action, j.SubmittedDate);
        });
        long withheld = 0;
        var own = await s.OwnAddressesAsync(ct);
        var accountEvents = await tables.WriteAsync(UserEvents, async w =>
        {
            await foreach (var page in EventRows.UserEventsAsync(s, null, ct))
            {
                foreach (var e in page)
                {
                    var why = EventRows.Withheld(s, e, own);
                    if (why is not null && e.Ip is not null) withheld++;
                    w.Add([e.Id, e.Tag, e.Time, .. EventColumns.Values(e, why), e.Details.Details]);
                }
            }
        });
        var projectEvents = await tables.WriteAsync(ProjectEvents, async w =>
        {
            await foreach (var page in EventRows.ProjectEventsAsync(s, null, ct))
                foreach (var e in page) w.Add([e.Id, e.Project, e.Tag, e.Time, .. EventColumns.Values(e, null), e.Details.Details]);
        });
        var held = journal.Rows + accountEvents.Rows + projectEvents.Rows > 0;
        return new CategoryOutcome(held, CategoryStatements.ConnectionRecords(journal.Rows, accountEvents.Rows, projectEvents.Rows, withheld, s.Windows));
    }
}
