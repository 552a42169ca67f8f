namespace Cheeseshop.Auth;

/// <summary>How clients authenticate to the API (the Auth section of the settings).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// Accept a username and password on uploads (POST /legacy/) besides API tokens. Off by default, as on
    /// PyPI: a password cannot be scoped to a project or revoked without changing it, and it cannot carry a
    /// second factor, so accounts with two-factor authentication are refused a password upload even when
    /// this is on.
    /// </summary>
    public bool PasswordUploads { get; set; }

    /// <summary>
    /// Whether the login page accepts a username and password. Off, only administrators may sign in with
    /// a password (the way back in when the single sign-on provider is down or misconfigured); everyone
    /// else signs in through single sign-on (Auth:Oidc).
    /// </summary>
    public bool Password { get; set; } = true;
}
