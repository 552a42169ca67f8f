using System.Globalization;

namespace Cheeseshop.Index;

/// <summary>
/// How an admin command's change reaches the server running on the same data directory before the
/// command returns. The server learns of changes made elsewhere by polling the journal (JournalWatcher);
/// on its own that leaves a window of up to a poll interval (more on a busy machine) in which the server
/// still serves pages cached before the change, so an operator who yanks a release and runs pip at once
/// could get the yanked release. So the command nudges the server (a file the server watches), and waits
/// until the server says it has read the journal up to the command's change (a file the server writes).
/// Servers on other machines still learn by polling: they share the database, not the data directory.
/// </summary>
public sealed class LocalServerSignal(string dataDirectoryRoot, TimeProvider clock)
{
    private string Folder => Path.Combine(dataDirectoryRoot, "run");

    /// <summary>Held open, exclusively, by a running server: the OS lock goes with the process, so a crashed
    /// server is never mistaken for a running one.</summary>
    private string LockPath => Path.Combine(Folder, "server.lock");

    /// <summary>Written by a command after a change: the server polls the journal as soon as it sees it.</summary>
    public string NudgePath => Path.Combine(Folder, "journal.nudge");

    /// <summary>Written by the server: the last journal serial it has applied to its page cache.</summary>
    private string SeenPath => Path.Combine(Folder, "journal.seen");

    public string FolderPath => Folder;

    /// <summary>Server side: takes the lock for the server's lifetime; null when another server holds it (then
    /// only the first server is signalled; the second still polls).</summary>
    public IDisposable? HoldServerLock()
    {
        Directory.CreateDirectory(Folder);
        try
        {
            return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Server side: records the serial the page cache is now fresh up to (written whole, then renamed into place).</summary>
    public void WriteSeen(long serial)
    {
        var temp = SeenPath + ".tmp";
        File.WriteAllText(temp, serial.ToString(CultureInfo.InvariantCulture));
        File.Move(temp, SeenPath, overwrite: true);
    }

    /// <summary>Command side: is a server holding the lock now?</summary>
    public bool ServerRunning()
    {
        try
        {
            using var probe = new FileStream(LockPath, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (FileNotFoundException) { return false; }
        catch (DirectoryNotFoundException) { return false; }
        catch (IOException) { return true; }
    }

    /// <summary>
    /// Command side, after a committed change up to journal serial <paramref name="serial"/>: nudges a running
    /// server and waits until it has applied the change. Returns false if it did not within
    /// <paramref name="timeout"/> (it still will, by its next poll).
    /// </summary>
    public async Task<bool> AwaitServerAsync(long serial, TimeSpan timeout, CancellationToken ct)
    {
        if (!ServerRunning()) return true;
        await File.WriteAllTextAsync(NudgePath, serial.ToString(CultureInfo.InvariantCulture), ct);
        var started = clock.GetTimestamp();
        while (true)
        {
            if (ReadSeen() >= serial) return true;
            if (clock.GetElapsedTime(started) >= timeout || !ServerRunning()) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(10), clock, ct);
        }
    }

    private long ReadSeen()
    {
        try
        {
            return long.TryParse(File.ReadAllText(SeenPath), NumberStyles.None, CultureInfo.InvariantCulture, out var seen) ? seen : -1;
        }
        catch (IOException)
        {
            return -1;
        }
    }
}
