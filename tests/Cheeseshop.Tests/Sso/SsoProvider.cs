using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Sso;

/// <summary>
/// A company's identity provider on loopback: npm oidc-provider (the folder CHEESESHOP_TEST_OIDC_PROVIDER
/// names) with its own interactive login page, which takes any login name and password. The login name is
/// the person's 'sub' and preferred_username; their address is LOGIN@example.org, verified unless the login
/// starts with "unverified"; a consent page follows the login. The one client, "cheeseshop", is a native client so that its loopback
/// redirect URI matches any port (RFC 8252), as each test server gets a free port after the provider starts.
/// </summary>
public sealed class SsoProvider : IDisposable
{
    public const string ClientId = "cheeseshop", ClientSecret = "cheeseshop-test-secret";

    private const string Script = """
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [dir, port, clientId, clientSecret] = process.argv.slice(2);
const { default: Provider } = await import(pathToFileURL(join(dir, 'node_modules', 'oidc-provider', 'lib', 'index.js')).href);
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId, client_secret: clientSecret, application_type: 'native',
    redirect_uris: ['http://127.0.0.1/account/sso/callback'], grant_types: ['authorization_code'], response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
  findAccount: (ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, email: `${id}@example.org`, email_verified: !id.startsWith('unverified'), preferred_username: id, name: `Person ${id}` }),
  }),
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['cheeseshop-tests-cookie-key'] },
});
provider.listen(Number(port), '127.0.0.1', () => console.log(issuer));
""";

    private readonly OidcProviderProcess _provider = new(Script, "sso-provider.mjs", ClientId, ClientSecret);

    public string Issuer => _provider.Issuer;

    public string Output => _provider.Output;

    public Dictionary<string, string> Settings(string displayName = "Cheese Corp") => new()
    {
        ["CHEESESHOP_Auth__Oidc__Authority"] = Issuer,
        ["CHEESESHOP_Auth__Oidc__ClientId"] = ClientId,
        ["CHEESESHOP_Auth__Oidc__ClientSecret"] = ClientSecret,
        ["CHEESESHOP_Auth__Oidc__DisplayName"] = displayName,
    };

    public void Dispose() => _provider.Dispose();
}

/// <summary>Servers signing in through one <see cref="SsoProvider"/>, with the settings of a subclass.</summary>
public abstract class SsoServers : ServerFixture, IAsyncLifetime
{
    protected SsoServers(SsoProvider provider, Dictionary<string, string> settings)
        : base(db => CheeseshopServer.StartAsync(db, settings: Merge(provider.Settings(), settings))) => Provider = provider;

    public SsoProvider Provider { get; }

    private static Dictionary<string, string> Merge(Dictionary<string, string> a, Dictionary<string, string> b)
    {
        foreach (var (k, v) in b) a[k] = v;
        return a;
    }

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        Provider.Dispose();
    }
}

/// <summary>Registration closed, no accounts made at sign-in, passwords (on the login page and on uploads) for administrators only.</summary>
public sealed class ClosedSsoServers() : SsoServers(new SsoProvider(), new()
{
    ["CHEESESHOP_Registration"] = "closed",
    ["CHEESESHOP_Auth__Password"] = "false",
    ["CHEESESHOP_Auth__PasswordUploads"] = "true",
});

/// <summary>Registration open: a first sign-in that matches no account makes one.</summary>
public sealed class OpenSsoServers() : SsoServers(new SsoProvider(), new() { ["CHEESESHOP_Registration"] = "open" });

/// <summary>Registration closed, but Auth:Oidc:CreateAccounts on: the provider decides who gets an account.</summary>
public sealed class CreatingSsoServers() : SsoServers(new SsoProvider(), new()
{
    ["CHEESESHOP_Registration"] = "closed",
    ["CHEESESHOP_Auth__Oidc__CreateAccounts"] = "true",
});
