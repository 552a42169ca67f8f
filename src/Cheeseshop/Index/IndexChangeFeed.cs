namespace Cheeseshop.Index;

/// <summary>Tells the caches of this node which projects changed; other nodes learn from the journal.
/// Only IndexWriter publishes, after a commit.</summary>
public sealed class IndexChangeFeed
{
    public event Action<string>? ProjectChanged;

    internal void Publish(IEnumerable<string> normalizedNames)
    {
        foreach (var name in normalizedNames) ProjectChanged?.Invoke(name);
    }
}
