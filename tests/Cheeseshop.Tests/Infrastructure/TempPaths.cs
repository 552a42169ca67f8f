namespace Cheeseshop.Tests.Infrastructure;

/// <summary>
/// Temporary folders for one test run, all under one root (removed when the test process exits).
/// ./scripts/test.sh points TMPDIR at a folder of its own and removes that too.
/// </summary>
public static class TempPaths
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), $"cs-tests-{Environment.ProcessId}-{Guid.NewGuid():N}"[..24]);
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    });

    public static string Root => LazyRoot.Value;

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
