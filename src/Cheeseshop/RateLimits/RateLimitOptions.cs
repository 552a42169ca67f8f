using System.ComponentModel.DataAnnotations;
using Cheeseshop.Core.Accounts;

namespace Cheeseshop.RateLimits;

/// <summary>
/// How hard one client or one account may push (the RateLimits section of the settings). Clients are
/// told apart by the keyed hash of their address, never the address. Counters live in each node's
/// memory: with several nodes a client may reach each node's limit on each node. 0 turns off the
/// per-hour request limits (XML-RPC, uploads, sign-ups, reset forms, verification mails); the failed
/// sign-in limits and the reset mails per account are at least 1, since they guard passwords and inboxes.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>XML-RPC calls per client per hour (warehouse allows 3,600).</summary>
    [Range(0, int.MaxValue)] public int XmlRpcPerHour { get; set; } = 3600;

    /// <summary>Upload requests per client per hour, counted before the credentials are checked.</summary>
    [Range(0, int.MaxValue)] public int UploadsPerHourPerClient { get; set; } = 2000;

    /// <summary>Upload requests per account per hour, counted once the credentials are known.</summary>
    [Range(0, int.MaxValue)] public int UploadsPerHourPerAccount { get; set; } = 1000;

    /// <summary>Sign-up form submissions per client per hour.</summary>
    [Range(0, int.MaxValue)] public int RegistrationsPerHourPerClient { get; set; } = 10;

    /// <summary>Password-reset form submissions per client per hour (each may send mail).</summary>
    [Range(0, int.MaxValue)] public int PasswordResetsPerHourPerClient { get; set; } = 10;

    /// <summary>Password-reset mails to one account per hour, however many clients ask.</summary>
    [Range(1, int.MaxValue)] public int ResetMailsPerHourPerAccount { get; set; } = LoginLimits.Default.ResetMailsPerHour;

    /// <summary>Verification mails one account may ask for per hour (adding an address, sending the link again).</summary>
    [Range(0, int.MaxValue)] public int VerificationMailsPerHourPerAccount { get; set; } = 5;

    /// <summary>Failed sign-ins (passwords, second factors, tokens) by one client at one account in 5 minutes.</summary>
    [Range(1, int.MaxValue)] public int FailedLoginsPerAccountAndClient { get; set; } = LoginLimits.Default.PerAccountAndClient;

    /// <summary>Failed sign-ins by one client at any accounts in 5 minutes.</summary>
    [Range(1, int.MaxValue)] public int FailedLoginsPerClient { get; set; } = LoginLimits.Default.PerClient;

    /// <summary>Failed sign-ins at one account from all clients in 5 minutes; past it only a client without
    /// failures of its own, with a second factor or an API token, gets in.</summary>
    [Range(1, int.MaxValue)] public int FailedLoginsPerAccount { get; set; } = LoginLimits.Default.PerAccount;

    public LoginLimits LoginLimits => new(FailedLoginsPerAccountAndClient, FailedLoginsPerClient, FailedLoginsPerAccount, ResetMailsPerHourPerAccount);
}
