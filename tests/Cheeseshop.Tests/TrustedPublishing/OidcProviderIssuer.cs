using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.TrustedPublishing;

/// <summary>
/// A real OpenID provider on loopback acting as a CI issuer: npm oidc-provider (panva's certified
/// implementation), found in the folder CHEESESHOP_TEST_OIDC_PROVIDER names (./scripts/test.sh installs
/// oidc-provider@9.13.3 there once) and started with node. Each CI job identity is a client; the client
/// credentials grant for the resource <see cref="Audience"/> gives a JWT the provider signs with its own
/// keys, published at its discovery document's jwks_uri, carrying the client's claims (team, branch).
/// </summary>
public sealed class OidcProviderIssuer : IDisposable
{

    /// <summary>oidc-provider asks resource indicators to be absolute URIs.</summary>
    public const string Audience = "urn:cheeseshop";

    private const string Script = """
// A CI issuer for the Trusted Publishing tests: panva's oidc-provider (a certified OpenID provider) on
// loopback. A CI job's identity is a client; the client credentials grant with resource=AUDIENCE gives a
// signed JWT whose iss, aud, sub (the client id), exp, iat and jti are the provider's own, plus the claims
// the client was registered with. Prints the issuer URL on its first line once it listens.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [dir, port, audience] = process.argv.slice(2);
const { default: Provider } = await import(pathToFileURL(join(dir, 'node_modules', 'oidc-provider', 'lib', 'index.js')).href);
const issuer = `http://127.0.0.1:${port}`;
const clients = [
  { client_id: 'ci-cheddar', client_secret: 'ci-cheddar-secret', grant_types: ['client_credentials'], redirect_uris: [], response_types: [], 'urn:cheeseshop:claims': { team: 'cheddar', branch: 'main' } },
  { client_id: 'ci-brie', client_secret: 'ci-brie-secret', grant_types: ['client_credentials'], redirect_uris: [], response_types: [], 'urn:cheeseshop:claims': { team: 'brie', branch: 'main' } },
];
const provider = new Provider(issuer, {
  clients,
  extraClientMetadata: { properties: ['urn:cheeseshop:claims'] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource) => ({ scope: '', audience: resource, accessTokenTTL: 300, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
    },
  },
  extraTokenClaims: (ctx, token) => token.client?.['urn:cheeseshop:claims'] ?? {},
});
provider.listen(Number(port), '127.0.0.1', () => console.log(issuer));
""";

    private readonly OidcProviderProcess _provider = new(Script, "ci-issuer.mjs", Audience);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public string Issuer => _provider.Issuer;

    public string Output => _provider.Output;

    /// <summary>An ID token of the CI job <paramref name="client"/> ("ci-cheddar" or "ci-brie"), for <paramref name="audience"/>.</summary>
    public async Task<string> TokenAsync(string client, string audience = Audience)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Issuer + "/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("resource", audience)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client}:{client}-secret")));
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"oidc-provider refused a token: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public void Dispose()
    {
        _http.Dispose();
        _provider.Dispose();
    }
}
