namespace Cheeseshop.Tests.Infrastructure;

/// <summary>
/// Temporary folders for one test run, all under one root (removed when the test process exits).
/// ./scripts/test.sh points TMPDIR at a folder of its own and removes that too.
/// </summary>
public static class TempPaths
{
    private const string Prefix = "cs-tests-";

    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        SweepLeftovers();
        var root = Path.Combine(Path.GetTempPath(), $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..24]);
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    });

    public static string Root => LazyRoot.Value;

    /// <summary>
    /// Removes the folders of earlier test processes that are gone (a test host that is killed at the end
    /// of a run never gets to delete its own).
    /// </summary>
    private static void SweepLeftovers()
    {
        try
        {
            foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
            {
                var rest = Path.GetFileName(dir)[Prefix.Length..];
                var dash = rest.IndexOf('-');
                if (dash <= 0 || !int.TryParse(rest[..dash], out var pid) || pid == Environment.ProcessId) continue;
                if (Directory.Exists($"/proc/{pid}")) continue; // still running
                TryDelete(dir);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    public static string NewDirectory(string prefix)
    {
        var path = Path.Combine(Root, $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)]);
        Directory.CreateDirectory(path);
        return path;
    }

    public static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
