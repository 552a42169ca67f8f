using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.TrustedPublishing;

/// <summary>
/// OpenID issuers on loopback, as CI systems run them: each path under <see cref="BaseUrl"/> (e.g. /github)
/// is an issuer with its discovery document and JWKS. ID tokens are signed by PyJWT with Debian's
/// python3-cryptography, an implementation independent of the server's, with the issuer's current key;
/// <see cref="Rotate"/> replaces that key as an issuer rotating its keys does.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    private const string Signer = """
        import json, sys, jwt
        d = json.load(sys.stdin)
        key = d["key"] if d["alg"] != "none" else None
        print(jwt.encode(d["claims"], key, algorithm=d["alg"], headers=d["headers"]))
        """;

    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly object _gate = new();
    private readonly Dictionary<string, (string Kid, RSA Key)> _keys = new();
    private int _jwksFetches;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _requested = new();

    public TestIssuer()
    {
        BaseUrl = $"http://127.0.0.1:{LoopbackPorts.Free()}";
        _listener.Prefixes.Add(BaseUrl + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }

    /// <summary>The issuer URL of the issuer at <paramref name="path"/> (e.g. "github").</summary>
    public string Issuer(string path) => $"{BaseUrl}/{path}";

    /// <summary>Every path asked for, in order.</summary>
    public IReadOnlyCollection<string> Requested => _requested;

    /// <summary>How many times any key set was fetched.</summary>
    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    /// <summary>A new signing key replaces the current one of the issuer at <paramref name="path"/>; its key
    /// set publishes only the new key.</summary>
    public void Rotate(string path)
    {
        lock (_gate) _keys[path] = NewKey();
    }

    private (string Kid, RSA Key) KeyOf(string path)
    {
        lock (_gate)
        {
            if (!_keys.TryGetValue(path, out var key)) _keys[path] = key = NewKey();
            return key;
        }
    }

    private static (string, RSA) NewKey() => ("k" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant(), RSA.Create(2048));

    /// <summary>An ID token of the issuer at <paramref name="path"/>: iss, aud, iat, nbf, exp (five minutes) and a
    /// fresh jti, then <paramref name="claims"/> (a null value removes a claim). <paramref name="foreignKey"/>
    /// signs with a key the issuer never published but under the current kid; <paramref name="kid"/> names another key id.</summary>
    public async Task<string> TokenAsync(string path, IReadOnlyDictionary<string, object?> claims, string audience = "cheeseshop",
        bool foreignKey = false, string? kid = null, string alg = "RS256")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = new Dictionary<string, object?>
        {
            ["iss"] = Issuer(path), ["aud"] = audience, ["iat"] = now, ["nbf"] = now, ["exp"] = now + 300,
            ["jti"] = Guid.NewGuid().ToString(),
        };
        foreach (var (name, value) in claims)
            if (value is null) payload.Remove(name);
            else payload[name] = value;
        var signing = KeyOf(path);
        var key = foreignKey ? RSA.Create(2048) : signing.Key;
        var input = JsonSerializer.Serialize(new
        {
            key = key.ExportPkcs8PrivateKeyPem(), alg, claims = payload, headers = new Dictionary<string, string> { ["kid"] = kid ?? signing.Kid },
        });
        var result = await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", Signer], stdin: input, timeout: TimeSpan.FromSeconds(60));
        if (!result.Succeeded) throw new InvalidOperationException("PyJWT could not sign a token:\n" + result);
        return result.Stdout.Trim();
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            try { Answer(ctx); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException) { }
        }
    }

    private void Answer(HttpListenerContext ctx)
    {
        var path = ctx.Request.Url!.AbsolutePath;
        _requested.Enqueue(path);
        string? body = null;
        if (path.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal))
        {
            var issuer = BaseUrl + path[..^"/.well-known/openid-configuration".Length];
            body = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["issuer"] = issuer, ["jwks_uri"] = issuer + "/jwks",
                ["subject_types_supported"] = new[] { "public" }, ["response_types_supported"] = new[] { "id_token" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            });
        }
        else if (path.EndsWith("/jwks", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _jwksFetches);
            var keys = new[] { KeyOf(path[1..path.LastIndexOf('/')]) };
            body = JsonSerializer.Serialize(new
            {
                keys = keys.Select(k =>
                {
                    var p = k.Key.ExportParameters(false);
                    return new Dictionary<string, string>
                    {
                        ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = k.Kid,
                        ["n"] = Base64Url.EncodeToString(p.Modulus), ["e"] = Base64Url.EncodeToString(p.Exponent),
                    };
                }),
            });
        }
        ctx.Response.StatusCode = body is null ? 404 : 200;
        var bytes = Encoding.UTF8.GetBytes(body ?? "not found");
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength64 = bytes.Length;
        ctx.Response.OutputStream.Write(bytes);
        ctx.Response.Close();
    }


    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try { await _loop; } catch (ObjectDisposedException) { }
    }
}
