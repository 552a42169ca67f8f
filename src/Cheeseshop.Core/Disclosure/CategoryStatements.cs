using Cheeseshop.Core.Privacy;

namespace Cheeseshop.Core.Disclosure;

/// <summary>The retention windows in force, which the statements cite so a reader knows why older records are absent.</summary>
public sealed record RetentionWindows(int? UserEventDays, int? LoginFailureDays, int? ProjectEventDays, int? RawIpDays, int? DownloadEventDays)
{
    public static RetentionWindows From(IReadOnlyList<RetentionRule> rules)
    {
        int? Days(string key) => rules.FirstOrDefault(r => r.Key == key)?.Days;
        return new RetentionWindows(Days(RetentionPolicy.UserEvents), Days(RetentionPolicy.LoginFailureEvents),
            Days(RetentionPolicy.ProjectEvents), Days(RetentionPolicy.RawIpAddress), Days(RetentionPolicy.DownloadEvents));
    }

    public static string For(int? days) => days is { } d ? $"{d} days" : "as long as the service runs";
}

/// <summary>
/// The plain-English statement each category makes: what is held, or what is not held and why. The
/// fixed sentences (no postal address, no session durations, no payment records, no IP addresses in
/// download logs, no display-name history) are always made, whatever the data.
/// </summary>
public static class CategoryStatements
{
    public const string NotRequested = "Not requested: this category was not searched and nothing from it is included.";
    public const string NoDisplayNameHistory = "Display-name history is not kept: a new display name overwrites the old one.";
    public const string NoPostalAddress = "No postal address is ever held: Cheeseshop has no field for one.";
    public const string NoSessionDurations = "Session durations are not recorded: a sign-in is a signed browser cookie and the server keeps no session record, so there is no session start, end or length to disclose.";
    public const string NoPayment = "No payment or billing records exist: Cheeseshop has no paid services and holds no means or source of payment, card or bank account number, billing address or billing record.";
    public const string DownloadLogsHoldNoIp = "Download logs never hold IP addresses: a download's address is used in memory only to find its country and is then dropped.";
    public const string NoDownloadRecords = "No download records are kept by this instance.";
    public const string NoTelephone = "No telephone number or device identifier is ever held.";

    public static string Names(long usernameChanges) =>
        "Held: the account's user id, its current username and display name" +
        (usernameChanges == 0 ? "; no administrator has changed its username in the scope. " : $", and {Count(usernameChanges, "username change")} made by an administrator (old name, new name, when). ") +
        NoDisplayNameHistory;

    public static string Addresses(long addresses, long changes, long invitations, RetentionWindows windows) =>
        $"Held: {Count(addresses, "email address", "email addresses")} on the account, each with whether it is primary and verified, " +
        $"and {Count(changes, "change")} to them in the scope (added, removed, verified, made primary) from the account's events, " +
        $"which are kept for {RetentionWindows.For(windows.UserEventDays)}. " +
        $"Also {Count(invitations, "administrator's invitation", "administrators' invitations")} to create an account, sent to those addresses " +
        "or used to make the account, each with when it was sent, expired, used or withdrawn. " + NoPostalAddress;

    public static string ConnectionRecords(long journal, long userEvents, long projectEvents, long withheld, RetentionWindows windows) =>
        $"Held in the scope: {Count(journal, "row")} of the public change log submitted by the subject (serial, project, version, action, time), " +
        $"{Count(userEvents, "account event")} and {Count(projectEvents, "project event")} caused by the subject, each with its time, " +
        "the client IP address if it is still held (otherwise when it was erased, with its keyed hash), the country and the user agent. " +
        $"Account events are kept for {RetentionWindows.For(windows.UserEventDays)}, failed sign-ins for {RetentionWindows.For(windows.LoginFailureDays)}, " +
        $"project events for {RetentionWindows.For(windows.ProjectEventDays)}, and a raw IP address for {RetentionWindows.For(windows.RawIpDays)} after it was last seen, unless a legal hold suspends that; the change log is kept for as long as the service runs." +
        (withheld == 0 ? "" : $" For {Count(withheld, "account event")} the recorded client is withheld: another user caused it (for example an invitation to a project), or may have (an email sent to the account, a password reset asked for) from an address the subject's own events never used; that client is not the subject's to disclose.");

    public static string Sessions(long logins, long uploads) =>
        NoSessionDurations + $" Held in the scope: {Count(logins, "sign-in attempt")} (successful and failed) and {Count(uploads, "upload")}, " +
        "each with its time and the IP address as held; uploads also say how they were authenticated (API token by description, or password).";

    public static string LengthOfService(DateTime joined, string status, long projects, long tokens, bool twoFactor) =>
        $"Held: the date joined ({LegalDates.Date(joined)}), the last sign-in or upload, the account's status ({status}), whether two-factor authentication is on ({(twoFactor ? "yes" : "no")}), " +
        $"{Count(projects, "project")} on which the subject holds a role, and {Count(tokens, "API token")} (description, scope and dates only: a token's value is never stored readably and never disclosed).";

    public static string InstrumentNumbers(long held, long erased, bool registrationKnown, RetentionWindows windows) =>
        $"Held: {Count(held + erased, "IP address", "IP addresses")} associated with the subject in the scope: " +
        $"{held} still held, {erased} erased under the retention policy ({RetentionWindows.For(windows.RawIpDays)} after last seen; the keyed hash and country of an erased address remain). " +
        (registrationKnown
            ? "The address the account was registered from is flagged. "
            : "The registration address is not held: the account's creation event is outside the scope or was erased under the retention policy. ") +
        NoTelephone;

    public static string Packages(long projects, long releases, long files) =>
        $"Held: {Count(projects, "project")} on which the subject has or had a role (role, from, to; from the public change log, which is kept for as long as the service runs), " +
        $"{Count(releases, "release")} and {Count(files, "file")} uploaded by the subject in the scope (filename, SHA-256, upload time, and whether it is still present or was removed and when).";

    public static string DownloadLogs(bool recordsKept, long rows, long projects, RetentionWindows windows) =>
        DownloadLogsHoldNoIp + " " + (!recordsKept
            ? NoDownloadRecords
            : $"Held: {Count(rows, "download record")} of the {Count(projects, "project")} on which the subject has or had a role, in the scope (time, country, file, installer). Download records are kept for {RetentionWindows.For(windows.DownloadEventDays)}.");

    private static string Count(long n, string singular, string? plural = null) =>
        $"{n} {(n == 1 ? singular : plural ?? singular + "s")}";
}
