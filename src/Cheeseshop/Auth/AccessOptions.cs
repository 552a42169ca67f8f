namespace Cheeseshop.Auth;

/// <summary>Who may read the index (the Access section of the settings).</summary>
public sealed class AccessOptions
{
    public const string Section = "Access";

    /// <summary>Public: anyone reads every read API. Authenticated: every read API (Simple, JSON, files,
    /// XML-RPC, download statistics) needs an API token or a username and password.</summary>
    public ReadAccess Read { get; set; } = ReadAccess.Public;
}

public enum ReadAccess
{
    Public,
    Authenticated,
}
