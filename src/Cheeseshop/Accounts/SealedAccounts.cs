namespace Cheeseshop.Accounts;

/// <summary>How an account sealed under a legal hold (deleted by its owner while held) is kept out of sight.</summary>
public static class SealedAccounts
{
    /// <summary>
    /// The normalized username a sealed account keeps in place of its own: unique, and outside the username
    /// alphabet (':' is never allowed), so no registration, sign-in or look-up by name can meet it.
    /// </summary>
    public static string NormalizedName(Guid userId) => "sealed:" + userId.ToString("N");
}
