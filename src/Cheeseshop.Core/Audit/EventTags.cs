namespace Cheeseshop.Core.Audit;

/// <summary>
/// The fixed catalogue of user and project event tags. The strings are warehouse's
/// (warehouse/events/tags.py), so an operator who knows PyPI's data reads ours the same way.
/// </summary>
public static class EventTags
{
    public static class Account
    {
        public const string Created = "account:create";
        public const string LoginSuccess = "account:login:success";
        public const string LoginFailure = "account:login:failure";
        public const string ReauthenticateFailure = "account:reauthenticate:failure";
        public const string EmailAdded = "account:email:add";
        public const string EmailRemoved = "account:email:remove";
        public const string EmailVerified = "account:email:verified";
        public const string EmailPrimaryChanged = "account:email:primary:change";
        public const string EmailSent = "account:email:sent";
        public const string PasswordChanged = "account:password:change";
        public const string PasswordResetRequested = "account:password:reset:request";
        public const string PasswordReset = "account:password:reset";
        public const string TwoFactorAdded = "account:two_factor:method_added";
        public const string TwoFactorRemoved = "account:two_factor:method_removed";
        public const string RecoveryCodesGenerated = "account:recovery_codes:generated";
        public const string RecoveryCodesRegenerated = "account:recovery_codes:regenerated";
        public const string RecoveryCodeUsed = "account:recovery_codes:used";
        public const string ApiTokenAdded = "account:api_token:added";
        public const string ApiTokenRemoved = "account:api_token:removed";
        /// <summary>Not in warehouse's catalogue (it counts token use in metrics only): recorded here so that a disclosure can say which token uploaded what.</summary>
        public const string ApiTokenUsed = "account:api_token:used";
        public const string RoleInvited = "account:role:invite";
        public const string RoleAdded = "account:role:add";
        public const string RoleDeclined = "account:role:decline_invite";
        public const string RoleInviteRevoked = "account:role:revoke_invite";
        public const string RoleChanged = "account:role:change";
        public const string RoleRemoved = "account:role:remove";
        /// <summary>Cheeseshop's own: an admin renamed the account (old and new name in additional).</summary>
        public const string UsernameChanged = "account:username:change";
        /// <summary>Cheeseshop's own: the account was linked to an identity at the single sign-on provider.</summary>
        public const string SsoLinked = "account:sso:link";
        public const string PendingPublisherAdded = "account:oidc:pending-publisher-added";
        public const string PendingPublisherRemoved = "account:oidc:pending-publisher-removed";
    }

    public static class Project
    {
        public const string Created = "project:create";
        public const string ReleaseAdded = "project:release:add";
        public const string ReleaseRemoved = "project:release:remove";
        public const string ReleaseYanked = "project:release:yank";
        public const string ReleaseUnyanked = "project:release:unyank";
        public const string RoleInvited = "project:role:invite";
        public const string RoleAdded = "project:role:add";
        public const string RoleDeclined = "project:role:decline_invite";
        public const string RoleInviteRevoked = "project:role:revoke_invite";
        public const string RoleChanged = "project:role:change";
        public const string RoleRemoved = "project:role:remove";
        public const string ApiTokenAdded = "project:api_token:added";
        public const string ApiTokenRemoved = "project:api_token:removed";
        public const string PublisherAdded = "project:oidc:publisher-added";
        public const string PublisherRemoved = "project:oidc:publisher-removed";
        /// <summary>A trusted publisher exchanged an ID token for a 15-minute upload token.</summary>
        public const string ShortLivedApiTokenAdded = "project:short_lived_api_token:added";
    }

    public static class File
    {
        public const string Added = "file:add";
        public const string Removed = "file:remove";
    }
}
