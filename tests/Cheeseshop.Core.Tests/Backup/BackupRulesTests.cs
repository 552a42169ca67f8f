using Cheeseshop.Core.Backup;
using Cheeseshop.Core.Privacy;

namespace Cheeseshop.Core.Tests.Backup;

public sealed class BackupRulesTests
{
    private static readonly DateTimeOffset Taken = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    // The defaults: raw download events (180 days) are the longest raw-data window.
    [InlineData(null, null, 180)]
    // A longer raw-address window wins.
    [InlineData("raw_ip_address", 400, 400)]
    // Classes kept for years without raw data do not count.
    [InlineData("admin_audit", 9000, 180)]
    [InlineData("user_events", 5000, 180)]
    // Shortening the longest raw window shortens the backup's life to the next longest.
    [InlineData("download_events", 10, 90)]
    public void A_backup_is_destroyed_after_the_longest_raw_data_window(string? key, int? days, int expectedDays)
    {
        var overrides = key is null ? new Dictionary<string, int>() : new Dictionary<string, int> { [key] = days!.Value };
        Assert.Equal(Taken.AddDays(expectedDays), BackupRules.DestroyAfter(Taken, RetentionPolicy.Configure(overrides)));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(-1, false)]
    public void Expired_means_strictly_after_the_date(int secondsAfter, bool expired) =>
        Assert.Equal(expired, BackupRules.Expired(Taken, Taken.AddSeconds(secondsAfter)));

    [Theory]
    [InlineData("database/cheeseshop.db", true)]
    [InlineData("files/ab/cd/ef/x-1.0.tar.gz", true)]
    [InlineData("", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("files/../../etc/passwd", false)]
    [InlineData("files/./x", false)]
    [InlineData("files//x", false)]
    [InlineData("files\\x", false)]
    [InlineData("files/x\n", false)]
    [InlineData("..", false)]
    public void Member_names_stay_inside_the_restore_folder(string name, bool safe) =>
        Assert.Equal(safe, BackupRules.SafeName(name));

    private static readonly BackupMember Db = new("database/cheeseshop.db", 10, "aa");
    private static readonly BackupMember Key = new("secrets/ip-hash.key", 32, "bb");

    public static TheoryData<BackupMember[], BackupMember[], string?> Cases => new()
    {
        { [Db, Key], [Key, Db], null },
        { [Db, Key], [Db], "'secrets/ip-hash.key' is in the manifest but missing from the backup" },
        { [Db], [Db, Key], "'secrets/ip-hash.key' is in the backup but not in its manifest" },
        { [Db], [Db with { Size = 11 }], "'database/cheeseshop.db' is 11 bytes; the manifest says 10" },
        { [Db], [Db with { Sha256 = "ab" }], "'database/cheeseshop.db' does not have the SHA-256 the manifest gives" },
        { [Db], [Db with { Sha256 = "AA" }], null },
        { [Db, Db], [Db], "the manifest lists 'database/cheeseshop.db' twice" },
        { [Db], [Db, Db], "'database/cheeseshop.db' is in the backup twice" },
        { [Db, new("../x", 1, "cc")], [Db], "the manifest names '../x', which is not a safe relative path" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verify_names_each_difference(BackupMember[] manifest, BackupMember[] found, string? problem)
    {
        var problems = BackupRules.Verify(manifest, found, []);
        if (problem is null) Assert.Empty(problems);
        else Assert.Equal([problem], problems);
    }

    private static readonly BackupMember Header = new("backup.json", 100, "cc");

    public static TheoryData<BackupMember[]?, BackupMember[], string[], string?> RequiredCases => new()
    {
        { [Header, Db], [Header, Db], ["backup.json"], null },
        // Neither lists the header: the backup cannot be restored, though it matches its manifest.
        { [Db], [Db], ["backup.json"], "it has no 'backup.json', which every backup holds" },
        { [Db], [Db], ["backup.json", "database/cheeseshop.db"], "it has no 'backup.json', which every backup holds" },
        // Listed but gone is said once, as any missing member is.
        { [Header, Db], [Db], ["backup.json"], "'backup.json' is in the manifest but missing from the backup" },
        // The backup holds it but the manifest does not list it.
        { [Db], [Header, Db], ["backup.json"], "'backup.json' is in the backup but not in its manifest" },
        // "members": null in the manifest.
        { null, [Header, Db], ["backup.json"], "its manifest lists no members" },
    };

    [Theory]
    [MemberData(nameof(RequiredCases))]
    public void Verify_names_a_required_member_neither_holds_and_a_manifest_without_members(
        BackupMember[]? manifest, BackupMember[] found, string[] required, string? problem)
    {
        var problems = BackupRules.Verify(manifest, found, required);
        if (problem is null) Assert.Empty(problems);
        else Assert.Equal([problem], problems);
    }
}
