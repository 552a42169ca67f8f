using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Cheeseshop.Core.Accounts;

/// <summary>What an invitation link finds when it is opened.</summary>
public enum InvitationState
{
    /// <summary>The link works: the invitee may choose a username and password.</summary>
    Open,
    /// <summary>An account was already made with it.</summary>
    Used,
    /// <summary>An administrator took it back.</summary>
    Revoked,
    /// <summary>Its seven days are over.</summary>
    Expired,
    /// <summary>No invitation has this token (mistyped, cut short, forged, or purged by retention).</summary>
    Unknown,
}

/// <summary>A parsed invitation link token: the row it names and the secret whose hash that row keeps.</summary>
public sealed record InvitationToken(Guid Id, string Secret)
{
    public override string ToString() => $"{Id:N}.{Secret}";
}

/// <summary>
/// Invitations to create an account. The link carries a token of two parts: the invitation's id, to find its
/// row, and 32 random bytes, of which only the SHA-256 is stored. A fast hash is enough because the secret is
/// random, not chosen by a person; the hashes are compared in constant time so the time taken says nothing
/// about how much of a guess was right. A link works once, for seven days, unless an administrator revokes it.
/// </summary>
public static class InvitationRules
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    private const int SecretBytes = 32;
    /// <summary>32 bytes in unpadded base64url.</summary>
    private const int SecretLength = 43;

    public static InvitationToken NewToken() => new(Guid.NewGuid(), Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes)));

    /// <summary>The token in a link, or null when the text cannot be one (so nothing is looked up).</summary>
    public static InvitationToken? Parse(string? text)
    {
        if (text is null) return null;
        text = text.Trim();
        var dot = text.IndexOf('.');
        if (dot != 32 || text.Length != 33 + SecretLength) return null;
        if (!Guid.TryParseExact(text[..32], "N", out var id)) return null;
        var secret = text[33..];
        return secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? new InvitationToken(id, secret) : null;
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.ASCII.GetBytes(secret));

    /// <summary>Whether the secret is the one whose hash was stored; the comparison takes the same time however many bytes match.</summary>
    public static bool Matches(byte[] storedHash, string secret) => CryptographicOperations.FixedTimeEquals(storedHash, Hash(secret));

    public static DateTime ExpiresAt(DateTime created) => created + Lifetime;

    /// <summary>
    /// The state of an invitation at <paramref name="now"/>. A used one says so even after its expiry (the person
    /// should sign in, not ask for a new link); a revoked one says so rather than "expired", which would invite
    /// them to ask again for something an administrator decided against.
    /// </summary>
    public static InvitationState State(DateTime now, DateTime expiresAt, DateTime? usedAt, DateTime? revokedAt) =>
        usedAt is not null ? InvitationState.Used
        : revokedAt is not null ? InvitationState.Revoked
        : now >= expiresAt ? InvitationState.Expired
        : InvitationState.Open;

    /// <summary>What the invitation page tells a person who cannot use the link.</summary>
    public static string Explain(InvitationState state) => state switch
    {
        InvitationState.Used => "This invitation was already used to create an account. Sign in with the username and password chosen then.",
        InvitationState.Revoked => "This invitation was withdrawn by an administrator. Ask the people who run this index if you still need an account.",
        InvitationState.Expired => $"This invitation has expired: links work for {Lifetime.TotalDays:0} days. Ask an administrator to invite you again.",
        InvitationState.Unknown => "This invitation link is not valid. Check that you copied the whole link from the email, or ask an administrator to invite you again.",
        _ => "",
    };
}
