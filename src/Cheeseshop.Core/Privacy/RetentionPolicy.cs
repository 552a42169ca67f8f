namespace Cheeseshop.Core.Privacy;

/// <summary>One class of data and how long it is kept.</summary>
/// <param name="Key">The configuration key (Retention__KEY, in days).</param>
/// <param name="What">What the class holds, for the policy a user reads.</param>
/// <param name="Clock">What the time counts from.</param>
/// <param name="Days">How long; null means "kept for as long as the service runs".</param>
public sealed record RetentionRule(string Key, string What, string Clock, int? Days);

/// <summary>
/// The retention policy: data class → how long. These defaults are the policy in docs/privacy.md
/// (a test keeps the two equal); operators change a duration with Retention__KEY=DAYS.
/// A legal hold suspends every rule for the held subject only.
/// </summary>
public static class RetentionPolicy
{
    public const string RawIpAddress = "raw_ip_address";
    public const string UnreferencedIpAddress = "unreferenced_ip_address";
    public const string LoginFailureEvents = "login_failure_events";
    public const string UserEvents = "user_events";
    public const string ProjectEvents = "project_events";
    public const string SentEmail = "sent_email";
    public const string UnverifiedAccounts = "unverified_accounts";
    public const string ExpiredInvitations = "expired_invitations";
    public const string DownloadEvents = "download_events";
    public const string RetentionRuns = "retention_runs";
    public const string AdminAudit = "admin_audit";
    public const string DeletedHeldAccounts = "deleted_held_accounts";
    public const string LegalRequests = "legal_requests";

    public static IReadOnlyList<RetentionRule> Defaults { get; } =
    [
        new(RawIpAddress, "The client IP address of an event (the keyed hash and the country stay)", "after the address was last seen", 30),
        new(UnreferencedIpAddress, "IP address records (hash, country) that no event refers to any more", "after the address was last seen", 365),
        new(LoginFailureEvents, "Failed sign-in events", "after the event", 90),
        new(UserEvents, "Other account events (sign-ins, email and password changes, tokens, roles)", "after the event", 730),
        new(ProjectEvents, "Project events (releases, files, roles)", "after the event", 730),
        new(SentEmail, "Records of emails sent, and the outbox copies of the messages", "after sending", 90),
        new(UnverifiedAccounts, "Accounts whose email address was never verified, with their data", "after registration", 30),
        new(ExpiredInvitations, "Role invitations nobody answered, and account invitations (the invited email address)", "after they expired", 30),
        new(DownloadEvents, "Download events (no IP address; country and installer only)", "after the download", 180),
        new(RetentionRuns, "Records of retention runs (counts only)", "after the run", 730),
        new(AdminAudit, "The admin audit log (holds, legal requests, disclosures)", "after the entry", 2555),
        new(DeletedHeldAccounts, "Accounts deleted by their owner while a legal hold kept their records (sealed: not shown, no sign-in)", "after deletion, once no legal hold remains", 0),
        new(LegalRequests, "Legal requests and data exports: what was asked, about whom, what was produced (digests and row counts, never the package), notices", "after the request was closed", 2555),
    ];

    /// <summary>The defaults with configured overrides applied; unknown keys and negative values are errors.</summary>
    public static IReadOnlyList<RetentionRule> Configure(IReadOnlyDictionary<string, int> overrides)
    {
        foreach (var (key, days) in overrides)
        {
            if (Defaults.All(r => r.Key != key))
                throw new ArgumentException($"Unknown retention class '{key}'. Known: {string.Join(", ", Defaults.Select(r => r.Key))}.");
            if (days < 1) throw new ArgumentException($"Retention for '{key}' must be at least 1 day, not {days}.");
        }
        return Defaults.Select(r => overrides.TryGetValue(r.Key, out var d) ? r with { Days = d } : r).ToList();
    }
}
