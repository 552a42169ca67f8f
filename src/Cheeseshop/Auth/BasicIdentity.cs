using Cheeseshop.Data.Entities;

namespace Cheeseshop.Auth;

/// <summary>Who is uploading, and with what: a token (possibly scoped to one project) or a password.</summary>
public sealed record UploadIdentity(User User, ApiToken? Token)
{
    public string How => Token is null ? "password" : "api-token";
}
