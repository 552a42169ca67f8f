namespace Cheeseshop.Index;

/// <summary>Tells the caches of this node which projects changed; other nodes learn from the journal.</summary>
public sealed class IndexChangeFeed
{
    public event Action<string>? ProjectChanged;

    public void Publish(IEnumerable<string> normalizedNames)
    {
        foreach (var name in normalizedNames) ProjectChanged?.Invoke(name);
    }
}
