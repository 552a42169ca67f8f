namespace Cheeseshop.Core.Health;

/// <summary>How a check of the doctor ends: a failure makes it exit non-zero, a warning does not.</summary>
public enum Verdict
{
    Ok,
    Warn,
    Fail,
}

/// <summary>One finding: what was checked, how it ended, what was seen, and what to do about it.</summary>
public sealed record Finding(string Check, Verdict Verdict, string Message, string? Fix = null);

/// <summary>The judgements the readiness checks and `cheeseshop doctor` make about facts gathered elsewhere.</summary>
public static class HealthRules
{
    /// <summary>Country databases are rebuilt monthly upstream; two months old means an update was missed.</summary>
    public static readonly TimeSpan CountryDatabaseMaxAge = TimeSpan.FromDays(60);

    /// <summary>How long the download writer may spend on one batch before it counts as stuck, beyond the time
    /// a batch may wait to fill: a write that fails is retried with pauses of up to 30 s, so one
    /// minute covers a retry or two without calling a short database hiccup a failure.</summary>
    public static readonly TimeSpan WriterGrace = TimeSpan.FromMinutes(1);

    /// <summary>The IP-hash key must be readable by its owner alone: with it, anyone holding a copy of the
    /// database can test guessed addresses against the stored hashes.</summary>
    public static Finding KeyFile(string path, UnixFileMode? mode)
    {
        const string check = "ip-hash key";
        if (mode is not { } m)
            return new(check, Verdict.Warn, $"{path} does not exist yet", "the server creates it at its first start; several nodes must share one copy");
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
                                    UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((m & others) != 0)
            return new(check, Verdict.Fail, $"{path} has mode {Octal(m)}: other users can read or change the key", $"chmod 600 {path}");
        if ((m & UnixFileMode.UserRead) == 0)
            return new(check, Verdict.Fail, $"{path} has mode {Octal(m)}: its owner cannot read it", $"chmod 600 {path}");
        return new(check, Verdict.Ok, $"{path} has mode {Octal(m)}");
    }

    /// <summary>A missing or old country database is a warning: the index works, with countries unknown or stale.</summary>
    public static Finding CountryDatabase(string path, DateTimeOffset? written, DateTimeOffset now)
    {
        const string check = "country database";
        const string fetch = "run `cheeseshop geoip fetch` (or replace the GeoIpDatabase file)";
        if (written is not { } w)
            return new(check, Verdict.Warn, $"none at {path}: countries are recorded as unknown", fetch);
        var age = now - w;
        var days = (int)Math.Floor(age.TotalDays);
        return age > CountryDatabaseMaxAge
            ? new(check, Verdict.Warn, $"{path} is {days} days old (more than {CountryDatabaseMaxAge.TotalDays:0})", fetch)
            : new(check, Verdict.Ok, $"{path} is {days} days old");
    }

    /// <summary>The download writer is stuck when the batch it took has not been written within the flush
    /// interval plus <see cref="WriterGrace"/>. An idle writer (no batch taken) is never stuck.</summary>
    public static bool WriterStuck(DateTimeOffset? batchTakenAt, DateTimeOffset now, TimeSpan flushInterval) =>
        batchTakenAt is { } taken && now - taken > flushInterval + WriterGrace;

    /// <summary>The overall result: the worst verdict of all findings.</summary>
    public static Verdict Overall(IEnumerable<Finding> findings) =>
        findings.Select(f => f.Verdict).DefaultIfEmpty(Verdict.Ok).Max();

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
}
