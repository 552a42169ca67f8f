using Cheeseshop.Core.Audit;
using Cheeseshop.Core.Disclosure;
using Microsoft.EntityFrameworkCore;
using static Cheeseshop.Core.Disclosure.TableSpec;

namespace Cheeseshop.Disclosure.Generators;

/// <summary>2. addresses: every email address with primary/verified, their history from account events, and the account
/// invitations sent to them. No postal address exists.</summary>
public sealed class AddressesGenerator : ICategoryGenerator
{
    public static readonly TableSpec Emails = new("email-addresses", "The account's email addresses now.",
    [
        Text("email", "The address"),
        Boolean("primary", "Whether mail goes to this address"),
        Boolean("verified", "Whether the owner proved they receive mail there"),
    ]);

    public static readonly TableSpec History = new("email-history", "Changes to the addresses, from the account's events.",
    [
        Time("time", "When"),
        Text("event", "What happened (event tag)"),
        Text("email", "The address concerned"),
        Text("previous_primary", "For a change of primary address: the address that was primary before"),
    ]);

    public static readonly TableSpec Invitations = new("account-invitations",
        "Administrators' invitations to create an account sent to one of the account's addresses, and the one it was made with.",
    [
        Text("email", "The address invited"),
        Time("sent", "When the invitation was sent"),
        Time("expires", "When its link stopped or stops working"),
        Time("used", "When an account was made with it"),
        Time("revoked", "When an administrator withdrew it"),
    ]);

    private static readonly string[] Tags =
    [
        EventTags.Account.Created, EventTags.Account.EmailAdded, EventTags.Account.EmailRemoved,
        EventTags.Account.EmailVerified, EventTags.Account.EmailPrimaryChanged,
    ];

    public string Key => Core.Disclosure.Categories.Addresses;

    public async Task<CategoryOutcome> GenerateAsync(SubjectScope s, CategoryTables tables, CancellationToken ct)
    {
        var emails = await s.Db.UserEmails.AsNoTracking().Where(e => e.UserId == s.Id)
            .OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Email).ThenBy(e => e.Id)
            .Select(e => new { e.Email, e.IsPrimary, e.IsVerified }).ToListAsync(ct);
        var current = await tables.WriteAsync(Emails, w =>
        {
            foreach (var e in emails) w.Add(e.Email, e.IsPrimary, e.IsVerified);
        });
        var history = await tables.WriteAsync(History, async w =>
        {
            await foreach (var e in EventRows.UserEvents(s, Tags).WithCancellation(ct))
            {
                string? Str(string key) => EventDetails.StringField(e.Details.Details, key);
                w.Add(e.Time, e.Tag, Str("email") ?? Str("new_primary"), Str("old_primary"));
            }
        });
        var keys = emails.Select(e => e.Email.ToLowerInvariant()).ToList();
        var invited = await s.Db.AccountInvitations.AsNoTracking()
            .Where(i => (i.UserId == s.Id || keys.Contains(i.Email.ToLower())) && i.Created >= s.From && i.Created < s.End)
            .OrderBy(i => i.Created).ThenBy(i => i.Email)
            .Select(i => new { i.Email, i.Created, i.ExpiresAt, i.UsedAt, i.RevokedAt }).ToListAsync(ct);
        var invitations = await tables.WriteAsync(Invitations, w =>
        {
            foreach (var i in invited) w.Add(i.Email, i.Created, i.ExpiresAt, i.UsedAt, i.RevokedAt);
        });
        return new CategoryOutcome(current.Rows + history.Rows + invitations.Rows > 0, CategoryStatements.Addresses(current.Rows, history.Rows, invitations.Rows, s.Windows));
    }
}
