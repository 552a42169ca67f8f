using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Search;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Index;

/// <summary>
/// One change in progress, handed to the work of <see cref="IndexWriter.ChangeAsync{T}"/>: it collects the
/// journal rows, the projects whose pages change, and what to do should the change not commit or once it has.
/// </summary>
public sealed class IndexChange
{
    private readonly CheeseshopDb _db;
    private readonly TimeProvider _clock;
    private readonly List<(Project Project, JournalEntry Entry)> _journal = [];
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);
    private readonly HashSet<Guid> _releasesChanged = [];
    private readonly List<Func<Task>> _undo = [];
    private readonly List<Func<CancellationToken, Task>> _afterCommit = [];

    internal IndexChange(CheeseshopDb db, TimeProvider clock)
    {
        _db = db;
        _clock = clock;
    }

    internal bool Discarded { get; private set; }

    /// <summary>A row of the public change log. Actions use warehouse's wording ("create", "new release",
    /// "add py3 file x.whl", ...): mirrors and people read them.</summary>
    public void Journal(Project project, string? version, string action, Guid? submittedBy)
    {
        var entry = new JournalEntry
        {
            Name = project.Name,
            Version = version,
            Action = action,
            SubmittedDate = _clock.GetUtcNow().UtcDateTime,
            SubmittedById = submittedBy,
        };
        _db.Journals.Add(entry);
        _journal.Add((project, entry));
        // Rows with a version record a change to releases or files: what the project is found by may change.
        if (version is not null) _releasesChanged.Add(project.Id);
    }

    /// <summary>A project whose pages change with no journal row (roles removed along with an account,
    /// where warehouse writes none).</summary>
    public void Touch(string normalizedName) => _touched.Add(normalizedName);

    /// <summary>Ends the change without committing anything: it rolls back and publishes nothing.</summary>
    public void Discard() => Discarded = true;

    /// <summary>Undoes, should the change not commit, something the change did outside the database.</summary>
    public void OnRollback(Func<Task> undo) => _undo.Add(undo);

    /// <summary>Runs once the change has committed and been published (deleting files no row refers to any more).</summary>
    public void AfterCommit(Func<CancellationToken, Task> action) => _afterCommit.Add(action);

    /// <summary>Numbers the journal rows, sets each project's last serial to its newest one, and saves
    /// everything at once (the ids are known before the insert, so no second round trip is needed); then,
    /// in the same transaction, rewrites the search documents of projects whose releases changed, which are
    /// read from the rows just saved.</summary>
    internal async Task<IReadOnlyCollection<string>> SaveAsync(CancellationToken ct)
    {
        await NumberJournalAsync(ct);
        foreach (var group in _journal.GroupBy(p => p.Project))
            group.Key.LastSerial = group.Max(p => p.Entry.Id);
        await _db.SaveChangesAsync(ct);
        if (_releasesChanged.Count > 0) await SearchIndexer.RefreshAsync(_db, _releasesChanged, ct);
        foreach (var (project, _) in _journal) _touched.Add(project.NormalizedName);
        return _touched;
    }

    /// <summary>
    /// Serials follow the newest committed one without a gap, as mirrors expect. A database sequence
    /// would not: PostgreSQL's identity values taken by a change that then rolls back are lost. The
    /// change holds the journal's write lock, and only changes write journal rows, so the newest id read
    /// here stays the newest until this change commits or rolls back.
    /// </summary>
    private async Task NumberJournalAsync(CancellationToken ct)
    {
        if (_journal.Count == 0) return;
        var next = (await _db.Journals.MaxAsync(j => (long?)j.Id, ct) ?? 0) + 1;
        foreach (var (_, entry) in _journal) entry.Id = next++;
    }

    internal async Task UndoAsync(ILogger log)
    {
        foreach (var undo in _undo)
        {
            try
            {
                await undo();
            }
            catch (Exception e)
            {
                log.LogError(e, "Undoing part of a change that did not commit failed");
            }
        }
    }

    internal async Task AfterCommitAsync(CancellationToken ct)
    {
        foreach (var action in _afterCommit) await action(ct);
    }
}
