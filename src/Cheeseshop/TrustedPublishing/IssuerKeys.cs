using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cheeseshop.TrustedPublishing;

/// <summary>A validated ID token's claims: top-level strings as they are, booleans and numbers as their JSON text.</summary>
public sealed record IdTokenClaims(IReadOnlyDictionary<string, string> Values, DateTimeOffset? Expires, DateTimeOffset? NotBefore, DateTimeOffset? IssuedAt)
{
    public string? Jti => Values.GetValueOrDefault("jti");
}

/// <summary>The outcome of checking a token's signature, issuer and audience: the claims, or what failed.</summary>
public sealed record SignatureCheck(IdTokenClaims? Claims, string? Problem, bool IssuerUnavailable = false);

/// <summary>
/// The signing keys of the configured issuers, from each one's discovery document and JWKS, cached per
/// issuer and fetched again when a token names a key id the cache does not hold (the issuer rotated its
/// keys). Only configured issuers get a cache: an unknown 'iss' never makes this server fetch anything.
/// The token's times are not checked here: Core's TokenChecks does that on the server's own clock.
/// </summary>
public sealed class IssuerKeys(TimeProvider clock) : IDisposable
{
    /// <summary>The least time between two fetches caused by unknown key ids: a stream of tokens with made-up
    /// kids cannot make this server hammer an issuer.</summary>
    public static readonly TimeSpan UnknownKeyRefreshInterval = TimeSpan.FromSeconds(30);

    /// <summary>Discovery documents and key sets are small; a larger answer is not an issuer's.</summary>
    private const int MaxDocumentBytes = 1024 * 1024;

    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(10),
        MaxResponseContentBufferSize = MaxDocumentBytes,
    };
    private readonly ConcurrentDictionary<string, (ConfigurationManager<OpenIdConnectConfiguration> Manager, DateTimeOffset Created)> _managers = new();
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    private (ConfigurationManager<OpenIdConnectConfiguration> Manager, DateTimeOffset Created) NewManager(string url) =>
        (new ConfigurationManager<OpenIdConnectConfiguration>(
            url + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(),
            // https is required of the discovery document and the key set alike, except for a loopback issuer
            // (the options refuse an http issuer anywhere else).
            new HttpDocumentRetriever(_http) { RequireHttps = url.StartsWith("https:", StringComparison.Ordinal) })
        {
            AutomaticRefreshInterval = TimeSpan.FromHours(1),
        }, clock.GetUtcNow());

    public async Task<SignatureCheck> CheckAsync(ConfiguredIssuer issuer, string jwt, string audience, CancellationToken ct)
    {
        var cached = _managers.GetOrAdd(issuer.Url, NewManager);
        var (result, unknownKey) = await ValidateAsync(cached.Manager, issuer, jwt, audience, ct);
        if (!unknownKey || clock.GetUtcNow() - cached.Created < UnknownKeyRefreshInterval) return result;
        // The library's own refresh request runs in the background; a new manager fetches before it answers.
        var fresh = NewManager(issuer.Url);
        if (!_managers.TryUpdate(issuer.Url, fresh, cached)) fresh = _managers[issuer.Url];
        return (await ValidateAsync(fresh.Manager, issuer, jwt, audience, ct)).Check;
    }

    private async Task<(SignatureCheck Check, bool UnknownKey)> ValidateAsync(ConfigurationManager<OpenIdConnectConfiguration> manager, ConfiguredIssuer issuer,
        string jwt, string audience, CancellationToken ct)
    {
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await manager.GetConfigurationAsync(ct);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException or TaskCanceledException or ArgumentException)
        {
            return (new SignatureCheck(null, $"the keys of the issuer {issuer.Url} could not be fetched from its discovery document", IssuerUnavailable: true), false);
        }
        var parameters = new TokenValidationParameters
        {
            ValidIssuers = [issuer.Url, issuer.Url + "/"],
            ValidAudience = audience,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ValidateLifetime = false,
            RequireExpirationTime = false,
        };
        var result = await _handler.ValidateTokenAsync(jwt, parameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken token) return (new SignatureCheck(ClaimsOf(token), null), false);
        return (new SignatureCheck(null, Describe(result.Exception, audience)), result.Exception is SecurityTokenSignatureKeyNotFoundException);
    }

    /// <summary>Our own words for each failure: the library's messages may quote the token.</summary>
    private static string Describe(Exception? e, string audience) => e switch
    {
        SecurityTokenSignatureKeyNotFoundException => "the token is signed with a key the issuer does not publish",
        SecurityTokenInvalidSignatureException => "the token's signature does not verify with the issuer's keys",
        SecurityTokenInvalidAlgorithmException => "the token's signing algorithm is not accepted (asymmetric RSA, RSA-PSS and ECDSA only)",
        SecurityTokenInvalidAudienceException => $"the token's audience ('aud') is not {audience}",
        SecurityTokenInvalidIssuerException => "the token's issuer ('iss') is not the issuer whose keys it was checked with",
        SecurityTokenMalformedException or ArgumentException => "the token is not a well-formed signed JWT",
        _ => "the token is not valid",
    };

    private static readonly long MinUnixSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private static IdTokenClaims ClaimsOf(JsonWebToken token)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(token.EncodedPayload));
        DateTimeOffset? exp = null, nbf = null, iat = null;
        foreach (var property in payload.RootElement.EnumerateObject())
        {
            var value = property.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.String: values[property.Name] = value.GetString()!; break;
                case JsonValueKind.True or JsonValueKind.False: values[property.Name] = value.ValueKind == JsonValueKind.True ? "true" : "false"; break;
                case JsonValueKind.Number: values[property.Name] = value.GetRawText(); break;
            }
            // Outside the range DateTimeOffset holds a time claim is left out (and a token without exp is refused).
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var seconds) || double.IsNaN(seconds)
                || seconds < MinUnixSeconds || seconds > MaxUnixSeconds) continue;
            var at = DateTimeOffset.FromUnixTimeSeconds((long)seconds);
            switch (property.Name)
            {
                case "exp": exp = at; break;
                case "nbf": nbf = at; break;
                case "iat": iat = at; break;
            }
        }
        return new IdTokenClaims(values, exp, nbf, iat);
    }

    /// <summary>The 'iss' of a token not yet checked, to pick the configured issuer; null if it is not a JWT.</summary>
    public string? UnverifiedIssuer(string jwt)
    {
        if (!_handler.CanReadToken(jwt)) return null;
        try
        {
            var token = _handler.ReadJsonWebToken(jwt);
            return token.TryGetPayloadValue<string>("iss", out var iss) ? iss : null;
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException or JsonException or FormatException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
