using Cheeseshop.Configuration;
using Cheeseshop.Core.Audit;
using Cheeseshop.Core.Privacy;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Privacy;

/// <summary>Helpers shared by the tasks: count in a dry run, delete or update otherwise.</summary>
internal static class Apply
{
    public static Task<int> Delete<T>(RetentionContext c, IQueryable<T> rows, CancellationToken ct) =>
        c.DryRun ? rows.CountAsync(ct) : rows.ExecuteDeleteAsync(ct);
}

/// <summary>Raw client addresses: nulled once last seen longer ago than the window; hash and country stay.
/// An address that a held user's or project's event points at is kept.</summary>
public sealed class RawIpAddressRetention : IRetentionTask
{
    public string Key => RetentionPolicy.RawIpAddress;

    public async Task<long> ApplyAsync(RetentionContext c, CancellationToken ct)
    {
        var cutoff = c.Cutoff(Key)!.Value;
        var rows = HeldAware.Unheld(c, c.Db.IpAddresses.Where(i => i.Address != null && i.LastSeen < cutoff));
        return c.DryRun ? await rows.CountAsync(ct)
            : await rows.ExecuteUpdateAsync(s => s.SetProperty(i => i.Address, (string?)null).SetProperty(i => i.AddressErasedAt, c.AsOf), ct);
    }
}

/// <summary>IP records (hash and country) that no event points at any more.</summary>
public sealed class UnreferencedIpAddressRetention : IRetentionTask
{
    public string Key => RetentionPolicy.UnreferencedIpAddress;

    public async Task<long> ApplyAsync(RetentionContext c, CancellationToken ct)
    {
        var cutoff = c.Cutoff(Key)!.Value;
        var rows = c.Db.IpAddresses.Where(i => i.LastSeen < cutoff
            && !c.Db.UserEvents.Any(e => e.IpAddressId == i.Id)
            && !c.Db.ProjectEvents.Any(e => e.IpAddressId == i.Id));
        return await Apply.Delete(c, rows, ct);
    }
}

public sealed class LoginFailureRetention : IRetentionTask
{
    public static readonly string[] Tags = [EventTags.Account.LoginFailure, EventTags.Account.ReauthenticateFailure];
    public string Key => RetentionPolicy.LoginFailureEvents;

    public async Task<long> ApplyAsync(RetentionContext c, CancellationToken ct)
    {
        var cutoff = c.Cutoff(Key)!.Value;
        var held = c.Held.Users.ToList();
        return await Apply.Delete(c, c.Db.UserEvents.Where(e => Tags.Contains(e.Tag) && e.Time < cutoff && !held.Contains(e.UserId)), ct);
    }
}

public sealed class UserEventRetention : IRetentionTask
{
    public string Key => RetentionPolicy.UserEvents;

    public async Task<long> ApplyAsync(RetentionContext c, CancellationToken ct)
    {
        var cutoff = c.Cutoff(Key)!.Value;
        var held = c.Held.Users.ToList();
        var tags = LoginFailureRetention.Tags;
        return await Apply.Delete(c, c.Db.UserEvents.Where(e => !tags.Contains(e.Tag) && e.Time < cutoff && !held.Contains(e.UserId)), ct);
    }
}

public sealed class ProjectEventRetention : IRetentionTask
{
    public string Key => RetentionPolicy.ProjectEvents;

    public async Task<long> ApplyAsync(RetentionContext c, CancellationToken ct)
    {
        var cutoff = c.Cutoff(Key)!.Value;
        var users = c.Held.Users.ToList();
        var projects = c.Held.Projects.ToList();
        return await Apply.Delete(c, c.Db.ProjectEvents.Where(e => e.Time < cutoff && !projects.Contains(e.ProjectId)
            && (e.UserId == null || !users.Contains(e.UserId.Value))), ct);
    }
}

/// <summary>Sent-mail records and the outbox copies of the messages.</summary>
public sealed class SentEmailRetention(DataDirectory dataDir) : IRetentionTask
{
    public string Key => RetentionPolicy.SentEmail;

    public async Task<long> ApplyAsync(RetentionContext c, CancellationToken ct)
    {
        var cutoff = c.Cutoff(Key)!.Value;
        var held = c.Held.Users.ToList();
        var rows = await Apply.Delete(c, c.Db.SentEmails.Where(m => m.Time < cutoff && (m.UserId == null || !held.Contains(m.UserId.Value))), ct);
        // The outbox holds message files; a file cannot say whose it is without reading it, so a held
        // user's messages are kept by keeping every file while any user hold is active.
        var outbox = Path.Combine(dataDir.Root, "outbox");
        long files = 0;
        if (Directory.Exists(outbox) && held.Count == 0)
        {
            foreach (var file in new DirectoryInfo(outbox).EnumerateFiles())
            {
                if (file.LastWriteTimeUtc >= cutoff) continue;
                files++;
                if (!c.DryRun) file.Delete();
            }
        }
        return rows + files;
    }
}

/// <summary>Accounts whose email was never verified: deleted with everything that cascades from them.</summary>
public sealed class UnverifiedAccountRetention : IRetentionTask
{
    public string Key => RetentionPolicy.UnverifiedAccounts;

    public async Task<long> ApplyAsync(RetentionContext c, CancellationToken ct)
    {
        var cutoff = c.Cutoff(Key)!.Value;
        var held = c.Held.Users.ToList();
        var rows = c.Db.Users.Where(u => u.DateJoined < cutoff && !u.IsAdmin && u.PasswordHash != null
            && !held.Contains(u.Id)
            && !u.Emails.Any(e => e.IsVerified)
            && !c.Db.Roles.Any(r => r.UserId == u.Id)
            && !c.Db.Journals.Any(j => j.SubmittedById == u.Id));
        return await Apply.Delete(c, rows, ct);
    }
}

public sealed class ExpiredInvitationRetention : IRetentionTask
{
    public string Key => RetentionPolicy.ExpiredInvitations;

    public async Task<long> ApplyAsync(RetentionContext c, CancellationToken ct)
    {
        var cutoff = c.Cutoff(Key)!.Value;
        var held = c.Held.Users.ToList();
        var roles = await Apply.Delete(c, c.Db.RoleInvitations.Where(i => i.ExpiresAt < cutoff && !held.Contains(i.UserId)), ct);
        // Account invitations hold the invited address. Once expired the row only lets the link say why it no
        // longer works, so it goes whether it was used, revoked or ignored; an account made with one keeps
        // its own copy of the address.
        var accounts = await Apply.Delete(c, c.Db.AccountInvitations.Where(i => i.ExpiresAt < cutoff
            && (i.UserId == null || !held.Contains(i.UserId.Value))), ct);
        return roles + accounts;
    }
}

public sealed class RetentionRunRetention : IRetentionTask
{
    public string Key => RetentionPolicy.RetentionRuns;

    public async Task<long> ApplyAsync(RetentionContext c, CancellationToken ct)
    {
        var cutoff = c.Cutoff(Key)!.Value;
        return await Apply.Delete(c, c.Db.RetentionRuns.Where(r => r.StartedAt < cutoff), ct);
    }
}

public sealed class AdminAuditRetention : IRetentionTask
{
    public string Key => RetentionPolicy.AdminAudit;

    public async Task<long> ApplyAsync(RetentionContext c, CancellationToken ct)
    {
        var cutoff = c.Cutoff(Key)!.Value;
        return await Apply.Delete(c, c.Db.AdminAudit.Where(a => a.Time < cutoff), ct);
    }
}

/// <summary>Filters IP rows to those that no held user's or project's event points at.</summary>
internal static class HeldAware
{
    public static IQueryable<IpAddressRecord> Unheld(RetentionContext c, IQueryable<IpAddressRecord> rows)
    {
        if (c.Held.Users.Count == 0 && c.Held.Projects.Count == 0) return rows;
        var users = c.Held.Users.ToList();
        var projects = c.Held.Projects.ToList();
        return rows.Where(i =>
            !c.Db.UserEvents.Any(e => e.IpAddressId == i.Id && users.Contains(e.UserId)) &&
            !c.Db.ProjectEvents.Any(e => e.IpAddressId == i.Id && (projects.Contains(e.ProjectId) || (e.UserId != null && users.Contains(e.UserId.Value)))));
    }
}
