using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Index;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Accounts;

/// <summary>Accounts and tokens made by an operator (the CLI).</summary>
public sealed class AccountAdmin(CheeseshopDb db, TimeProvider clock)
{
    public const int MinPasswordLength = 8;

    /// <summary>Creates an account whose email counts as verified: an admin vouched for it.</summary>
    public async Task<User> CreateUserAsync(string username, string email, string password, bool admin, CancellationToken ct)
    {
        if (Usernames.Problem(username) is { } problem) throw new AdminException(problem);
        if (string.Equals(username, Usernames.Tombstone, StringComparison.OrdinalIgnoreCase))
            throw new AdminException($"'{username}' is reserved.");
        if (!IsPlausibleEmail(email)) throw new AdminException($"'{email}' is not a valid email address.");
        if (password.Length < MinPasswordLength)
            throw new AdminException($"The password is too short: use at least {MinPasswordLength} characters.");
        var normalized = Usernames.Normalize(username);
        if (await db.Users.AnyAsync(u => u.NormalizedUsername == normalized, ct))
            throw new AdminException($"The username '{username}' is already taken.");

        var user = new User
        {
            Id = Guid.NewGuid(), Username = username, NormalizedUsername = normalized,
            PasswordHash = new PasswordHasher().Hash(password), DateJoined = clock.GetUtcNow().UtcDateTime, IsAdmin = admin,
        };
        user.Emails.Add(new UserEmail { Email = email.Trim(), IsPrimary = true, IsVerified = true });
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>Creates a token and returns its value: the only time it exists outside the caller.</summary>
    public async Task<string> CreateTokenAsync(string username, string? project, string? description, CancellationToken ct)
    {
        var normalized = Usernames.Normalize(username);
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, ct)
                   ?? throw new AdminException($"No user named '{username}'.");
        Guid? projectId = null;
        if (project is not null)
        {
            var name = ProjectName.Normalize(project);
            var p = await db.Projects.FirstOrDefaultAsync(x => x.NormalizedName == name, ct)
                    ?? throw new AdminException($"No project named '{project}': a project-scoped token needs an existing project.");
            if (!await db.Roles.AnyAsync(r => r.ProjectId == p.Id && r.UserId == user.Id, ct))
                throw new AdminException($"'{user.Username}' has no role on '{p.Name}'.");
            projectId = p.Id;
        }
        var issued = ApiTokenCodec.Create();
        db.ApiTokens.Add(new ApiToken
        {
            Id = issued.Id, UserId = user.Id, ProjectId = projectId, Description = description ?? "",
            SecretHash = issued.SecretHash, Created = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
        return issued.Token;
    }

    private static bool IsPlausibleEmail(string email) =>
        System.Net.Mail.MailAddress.TryCreate(email.Trim(), out var parsed) && parsed.Address == email.Trim() && email.Length <= 254;
}
