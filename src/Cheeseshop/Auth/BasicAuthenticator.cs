using System.Net.Http.Headers;
using System.Text;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Data;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Auth;

/// <summary>
/// HTTP Basic authentication as twine sends it: "__token__" with an API token, or a username and
/// password. Returns null for anything that does not check out, without saying which part failed.
/// </summary>
public sealed class BasicAuthenticator(CheeseshopDb db)
{
    public const string TokenUsername = "__token__";

    public async Task<UploadIdentity?> AuthenticateAsync(string? authorization, CancellationToken ct)
    {
        if (!TryDecode(authorization, out var username, out var secret)) return null;

        if (username == TokenUsername)
        {
            if (!ApiTokenCodec.TryParse(secret, out var id, out var hash)) return null;
            var token = await db.ApiTokens.Include(t => t.User).FirstOrDefaultAsync(t => t.Id == id, ct);
            if (token?.User is null || !ApiTokenCodec.Matches(hash, token.SecretHash)) return null;
            return token.User.IsActive && !token.User.IsFrozen ? new UploadIdentity(token.User, token) : null;
        }

        var normalized = Usernames.Normalize(username);
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, ct);
        // Verify even when the user is unknown so that timing does not reveal which usernames exist.
        var ok = PasswordHasher.Verify(secret, user?.PasswordHash ?? DummyHash);
        return ok && user is { IsActive: true, IsFrozen: false } ? new UploadIdentity(user, null) : null;
    }

    private static readonly string DummyHash = new PasswordHasher().Hash(Guid.NewGuid().ToString());

    /// <summary>The username a Basic header carries, or null: the upload error names a wrong password
    /// differently from a missing header.</summary>
    public static string? Username(string? authorization) =>
        TryDecode(authorization, out var username, out _) ? username : null;

    private static bool TryDecode(string? header, out string username, out string secret)
    {
        username = secret = "";
        if (!AuthenticationHeaderValue.TryParse(header, out var value) ||
            !"Basic".Equals(value.Scheme, StringComparison.OrdinalIgnoreCase) || value.Parameter is null)
            return false;
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter)); }
        catch (FormatException) { return false; }
        var colon = decoded.IndexOf(':');
        if (colon < 0) return false;
        username = decoded[..colon];
        secret = decoded[(colon + 1)..];
        return true;
    }
}
