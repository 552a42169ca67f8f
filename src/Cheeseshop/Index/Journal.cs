using Cheeseshop.Data;
using Cheeseshop.Data.Entities;

namespace Cheeseshop.Index;

/// <summary>
/// Collects the journal rows of one change and, on commit, stamps each touched project with its new
/// serial. Use inside a write transaction (CheeseshopDb.BeginWriteAsync).
/// </summary>
public sealed class Journal(CheeseshopDb db, TimeProvider clock)
{
    private readonly List<(Project Project, JournalEntry Entry)> _pending = [];

    /// <summary>Actions use warehouse's wording ("create", "new release", "add py3 file x.whl", ...):
    /// mirrors and people read them.</summary>
    public void Record(Project project, string? version, string action, Guid? submittedBy)
    {
        var entry = new JournalEntry
        {
            Name = project.Name,
            Version = version,
            Action = action,
            SubmittedDate = clock.GetUtcNow().UtcDateTime,
            SubmittedById = submittedBy,
        };
        db.Journals.Add(entry);
        _pending.Add((project, entry));
    }

    /// <summary>Saves everything, then sets each project's last serial to its newest journal id.</summary>
    public async Task<IReadOnlyCollection<string>> SaveAsync(CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        foreach (var group in _pending.GroupBy(p => p.Project))
            group.Key.LastSerial = group.Max(p => p.Entry.Id);
        await db.SaveChangesAsync(ct);
        var touched = _pending.Select(p => p.Project.NormalizedName).Distinct().ToList();
        _pending.Clear();
        return touched;
    }
}
