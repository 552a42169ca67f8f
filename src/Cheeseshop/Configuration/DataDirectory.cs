namespace Cheeseshop.Configuration;

/// <summary>The layout of the data directory: one place an operator backs up.</summary>
public sealed class DataDirectory
{
    public DataDirectory(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(FilesRoot);
        Directory.CreateDirectory(TempRoot);
    }

    public string Root { get; }
    public string SqlitePath => Path.Combine(Root, "cheeseshop.db");
    public string FilesRoot => Path.Combine(Root, "files");
    /// <summary>Uploads land here while they stream; same file system as FilesRoot so the final move is atomic.</summary>
    public string TempRoot => Path.Combine(Root, "tmp");
}
