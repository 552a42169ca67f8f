using Cheeseshop.Data.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Cheeseshop.Data;

/// <summary>
/// The one database. Two providers share this model: SQLite (the embedded default, Data/Sqlite) and
/// PostgreSQL (Data/Postgres); each has its own migrations, because SQL types differ, and implements
/// what the databases do differently (CheeseshopDb.Provider.cs).
/// Tables and columns are snake_case so that an operator's own SQL reads naturally.
/// </summary>
public abstract partial class CheeseshopDb(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<User> Users => Set<User>();
    public DbSet<UserEmail> UserEmails => Set<UserEmail>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<Role> Roles => Set<Role>();
    public DbSet<Release> Releases => Set<Release>();
    public DbSet<ReleaseFile> Files => Set<ReleaseFile>();
    public DbSet<FilenameRegistration> FilenameRegistry => Set<FilenameRegistration>();
    public DbSet<ProhibitedProjectName> ProhibitedProjectNames => Set<ProhibitedProjectName>();
    public DbSet<ProxiedFile> ProxiedFiles => Set<ProxiedFile>();
    public DbSet<UpstreamMerge> UpstreamMerges => Set<UpstreamMerge>();
    public DbSet<JournalEntry> Journals => Set<JournalEntry>();
    public DbSet<IpAddressRecord> IpAddresses => Set<IpAddressRecord>();
    public DbSet<UserEvent> UserEvents => Set<UserEvent>();
    public DbSet<ProjectEvent> ProjectEvents => Set<ProjectEvent>();
    public DbSet<RecoveryCode> RecoveryCodes => Set<RecoveryCode>();
    public DbSet<RoleInvitation> RoleInvitations => Set<RoleInvitation>();
    public DbSet<AccountInvitation> AccountInvitations => Set<AccountInvitation>();
    public DbSet<UsernameChange> UsernameChanges => Set<UsernameChange>();
    public DbSet<SentEmail> SentEmails => Set<SentEmail>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<LegalHold> LegalHolds => Set<LegalHold>();
    public DbSet<AdminAuditEntry> AdminAudit => Set<AdminAuditEntry>();
    public DbSet<RetentionRun> RetentionRuns => Set<RetentionRun>();
    public DbSet<LegalRequest> LegalRequests => Set<LegalRequest>();
    public DbSet<LegalRequestSubject> LegalRequestSubjects => Set<LegalRequestSubject>();
    public DbSet<DisclosureRecord> Disclosures => Set<DisclosureRecord>();
    public DbSet<TrustedPublisher> TrustedPublishers => Set<TrustedPublisher>();
    public DbSet<UsedIdToken> UsedIdTokens => Set<UsedIdToken>();
    public DbSet<SsoLink> SsoLinks => Set<SsoLink>();
    public DbSet<SecurityKey> SecurityKeys => Set<SecurityKey>();
    public DbSet<SearchDocument> SearchDocuments => Set<SearchDocument>();
    public DbSet<SearchClassifier> SearchClassifiers => Set<SearchClassifier>();

    // ---- Download statistics (Downloads/) ----
    public DbSet<DownloadEventRecord> DownloadEvents => Set<DownloadEventRecord>();
    public DbSet<DownloadFile> DownloadFiles => Set<DownloadFile>();
    public DbSet<DownloadAgent> DownloadAgents => Set<DownloadAgent>();
    public DbSet<SimpleRequestRecord> SimpleRequests => Set<SimpleRequestRecord>();
    public DbSet<DailyDownloadCount> DailyDownloads => Set<DailyDownloadCount>();
    public DbSet<DailyDownloadSeries> DailySeries => Set<DailyDownloadSeries>();
    public DbSet<DownloadRollupState> DownloadRollupState => Set<DownloadRollupState>();
    // ---- end download statistics ----

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // Every time is UTC. SQLite hands DateTime back as Unspecified; say what it is.
        builder.Properties<DateTime>().HaveConversion<UtcConverter>();
        builder.Properties<DateTime?>().HaveConversion<UtcConverter>();
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        MapAccounts(b);
        MapProjects(b);
        MapEvents(b);
        MapAccountRecords(b);
        b.Entity<LegalHold>(e =>
        {
            e.HasIndex(x => x.UserId);
            e.HasIndex(x => x.ProjectId);
            // No cascade: a hold outlives the deletion of what it holds.
        });
        b.Entity<AdminAuditEntry>(e =>
        {
            e.ToTable("admin_audit");
            e.HasIndex(x => x.Time);
        });
        b.Entity<RetentionRun>(e => e.HasIndex(x => x.StartedAt));
        MapDownloads(b);
        MapLegal(b);
        MapTrustedPublishing(b);
        MapSignInMethods(b);
        MapSearch(b);
    }

    /// <summary>Users, their addresses and API tokens (src/Cheeseshop/Accounts, src/Cheeseshop/Auth).</summary>
    private static void MapAccounts(ModelBuilder b)
    {
        b.Entity<User>(e =>
        {
            e.HasIndex(u => u.NormalizedUsername).IsUnique();
            e.Property(u => u.Username).HasMaxLength(50);
            e.Property(u => u.NormalizedUsername).HasMaxLength(50);
        });
        b.Entity<UserEmail>(e =>
        {
            e.HasIndex(x => x.Email);
            e.HasOne(x => x.User).WithMany(u => u.Emails).HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<ApiToken>(e =>
        {
            e.HasOne(x => x.User).WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    /// <summary>Projects, roles, releases, files and the journal: the index itself (src/Cheeseshop/Index).</summary>
    private static void MapProjects(ModelBuilder b)
    {
        b.Entity<Project>(e =>
        {
            e.HasIndex(p => p.NormalizedName).IsUnique();
        });
        b.Entity<Role>(e =>
        {
            e.HasIndex(r => new { r.ProjectId, r.UserId }).IsUnique();
            e.HasIndex(r => r.UserId);
            e.HasOne(r => r.Project).WithMany(p => p.Roles).HasForeignKey(r => r.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(r => r.User).WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Release>(e =>
        {
            e.HasIndex(r => new { r.ProjectId, r.CanonicalVersion }).IsUnique();
            e.HasOne(r => r.Project).WithMany(p => p.Releases).HasForeignKey(r => r.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<User>().WithMany().HasForeignKey(r => r.UploaderId).OnDelete(DeleteBehavior.SetNull);
        });
        b.Entity<ReleaseFile>(e =>
        {
            e.ToTable("release_files");
            e.HasIndex(f => f.Filename).IsUnique();
            e.HasIndex(f => f.Blake2b256);
            e.HasIndex(f => f.ProjectId);
            e.HasOne(f => f.Release).WithMany(r => r.Files).HasForeignKey(f => f.ReleaseId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<User>().WithMany().HasForeignKey(f => f.UploaderId).OnDelete(DeleteBehavior.SetNull);
        });
        b.Entity<FilenameRegistration>(e =>
        {
            e.ToTable("filename_registry");
            e.HasKey(f => f.Filename);
        });
        b.Entity<ProhibitedProjectName>(e =>
        {
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Reason).HasMaxLength(1000);
        });
        b.Entity<ProxiedFile>(e =>
        {
            e.HasIndex(x => x.Filename).IsUnique();
            e.HasIndex(x => x.Project);
        });
        b.Entity<UpstreamMerge>(e =>
        {
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(200);
        });
        b.Entity<JournalEntry>(e =>
        {
            e.ToTable("journals");
            e.HasIndex(j => j.Name);
            e.HasIndex(j => j.SubmittedById);
            e.HasIndex(j => j.SubmittedDate);
            e.HasOne<User>().WithMany().HasForeignKey(j => j.SubmittedById).OnDelete(DeleteBehavior.Restrict);
        });
    }

    /// <summary>Single sign-on links and security keys (src/Cheeseshop/Sso, src/Cheeseshop/SecurityKeys).</summary>
    private static void MapSignInMethods(ModelBuilder b)
    {
        b.Entity<SsoLink>(e =>
        {
            e.ToTable("sso_links");
            e.HasIndex(x => new { x.Issuer, x.Subject }).IsUnique();
            e.HasIndex(x => x.UserId);
            e.Property(x => x.Issuer).HasMaxLength(500);
            e.Property(x => x.Subject).HasMaxLength(255);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<SecurityKey>(e =>
        {
            e.ToTable("security_keys");
            e.HasIndex(x => x.CredentialId).IsUnique();
            e.HasIndex(x => x.UserId);
            e.Property(x => x.CredentialId).HasMaxLength(1023);
            e.Property(x => x.Name).HasMaxLength(64);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    /// <summary>Trusted publishers and the ID tokens already exchanged (src/Cheeseshop/TrustedPublishing).</summary>
    private static void MapTrustedPublishing(ModelBuilder b)
    {
        b.Entity<TrustedPublisher>(e =>
        {
            e.HasIndex(x => x.Issuer);
            e.HasIndex(x => x.ProjectId);
            e.HasIndex(x => x.PendingNormalizedName);
            e.HasIndex(x => x.AddedById);
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.AddedById).OnDelete(DeleteBehavior.SetNull);
        });
        // A publisher's tokens go with it: that is how removing a publisher revokes what it minted.
        b.Entity<ApiToken>().HasOne<TrustedPublisher>().WithMany().HasForeignKey(x => x.PublisherId).OnDelete(DeleteBehavior.Cascade);
        b.Entity<UsedIdToken>(e =>
        {
            e.ToTable("used_id_tokens");
            e.HasKey(x => x.Key);
            e.HasIndex(x => x.Expires);
        });
    }

    /// <summary>Legal requests, their subjects and the packages produced (src/Cheeseshop/Disclosure).</summary>
    private static void MapLegal(ModelBuilder b)
    {
        b.Entity<LegalRequest>(e =>
        {
            e.HasIndex(x => x.Received);
            e.HasIndex(x => x.ClosedAt);
        });
        b.Entity<LegalRequestSubject>(e =>
        {
            e.HasIndex(x => x.UserId);
            e.HasIndex(x => new { x.NoticeStatus, x.NoticeDue });
            e.HasOne(x => x.LegalRequest).WithMany(r => r.Subjects).HasForeignKey(x => x.LegalRequestId).OnDelete(DeleteBehavior.Cascade);
            // The record of a request outlives the account; the username it was made under stays.
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.SetNull);
        });
        b.Entity<DisclosureRecord>(e =>
        {
            e.ToTable("disclosures");
            e.HasIndex(x => x.LegalRequestId);
            e.HasOne<LegalRequest>().WithMany().HasForeignKey(x => x.LegalRequestId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    // ---- Download statistics (Downloads/) ----
    private static void MapDownloads(ModelBuilder b)
    {
        // Raw events: the writer inserts thousands a second, so they carry one index only (time: rollup,
        // retention, export and disclosures all ask for a time range) and no foreign keys (the checks cost
        // a fifth of an insert on SQLite; files are never deleted, and an agent only once no event points
        // at it: see DownloadEventRetention and DownloadAgent.LastSeen).
        b.Entity<DownloadEventRecord>(e =>
        {
            e.ToTable("download_events");
            e.HasIndex(x => x.Timestamp);
        });
        b.Entity<DownloadFile>(e =>
        {
            e.ToTable("download_files");
            e.HasIndex(x => x.Filename).IsUnique();
            e.HasIndex(x => x.ProjectId);
        });
        b.Entity<DownloadAgent>(e =>
        {
            e.ToTable("download_agents");
            e.HasIndex(x => x.DetailsHash).IsUnique();
        });
        b.Entity<SimpleRequestRecord>(e =>
        {
            e.ToTable("simple_requests");
            e.HasIndex(x => x.Timestamp);
            e.HasIndex(x => new { x.ProjectId, x.Timestamp });
        });
        // Aggregates: a rollup replaces whole days (by date); the API reads one project's series. The full
        // counts carry no project index: a rollup inserts millions of them, and only disclosures (rare,
        // streamed, by date range) read them by project.
        b.Entity<DailyDownloadCount>(e =>
        {
            e.ToTable("download_daily_counts");
            e.HasIndex(x => x.Date);
        });
        b.Entity<DailyDownloadSeries>(e =>
        {
            e.ToTable("download_daily_series");
            e.HasIndex(x => new { x.ProjectId, x.Breakdown, x.Date });
            e.HasIndex(x => new { x.Date, x.Breakdown });
        });
        b.Entity<DownloadRollupState>(e =>
        {
            e.ToTable("download_rollup_state");
            e.Property(x => x.Id).ValueGeneratedNever();
        });
    }
    // ---- end download statistics ----

    private static void MapAccountRecords(ModelBuilder b)
    {
        b.Entity<RecoveryCode>(e => e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade));
        b.Entity<RoleInvitation>(e =>
        {
            e.HasIndex(x => new { x.ProjectId, x.UserId }).IsUnique();
            e.HasOne(x => x.Project).WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(x => x.User).WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.InvitedById).OnDelete(DeleteBehavior.SetNull);
        });
        b.Entity<AccountInvitation>(e =>
        {
            e.Property(x => x.Email).HasMaxLength(254);
            e.HasIndex(x => x.Email);
            e.HasIndex(x => x.ExpiresAt);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.SetNull);
        });
        b.Entity<UsernameChange>(e =>
        {
            e.HasIndex(x => x.UserId);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.ChangedById).OnDelete(DeleteBehavior.SetNull);
        });
        b.Entity<SentEmail>(e =>
        {
            e.HasIndex(x => x.UserId);
            e.HasIndex(x => x.Time);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    private static void MapEvents(ModelBuilder b)
    {
        b.Entity<IpAddressRecord>(e =>
        {
            e.ToTable("ip_addresses");
            e.HasIndex(i => i.HashedIp).IsUnique();
            e.HasIndex(i => i.LastSeen);
        });
        b.Entity<UserEvent>(e =>
        {
            e.HasIndex(x => new { x.UserId, x.Time });
            e.HasIndex(x => x.Time);
            e.HasIndex(x => x.IpAddressId);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(x => x.IpAddress).WithMany().HasForeignKey(x => x.IpAddressId).OnDelete(DeleteBehavior.SetNull);
        });
        b.Entity<ProjectEvent>(e =>
        {
            e.HasIndex(x => new { x.ProjectId, x.Time });
            e.HasIndex(x => x.UserId);
            e.HasIndex(x => x.Time);
            e.HasIndex(x => x.IpAddressId);
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne(x => x.IpAddress).WithMany().HasForeignKey(x => x.IpAddressId).OnDelete(DeleteBehavior.SetNull);
        });
    }

    internal sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
