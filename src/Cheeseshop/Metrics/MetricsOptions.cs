using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Cheeseshop.Metrics;

/// <summary>The Metrics section: where /metrics is served, if anywhere.</summary>
public sealed partial class MetricsOptions : IValidatableObject
{
    public const string Section = "Metrics";

    /// <summary>Serve /metrics on the server's own address (off by default: it tells anyone who asks how
    /// busy the index is).</summary>
    public bool Enabled { get; set; }

    /// <summary>Addresses (separated by ';') on which only /metrics is served, e.g. an internal interface the
    /// scraper reaches and clients do not; when set, /metrics is not served on the main address.</summary>
    public string? Urls { get; set; }

    /// <summary>True when /metrics is served somewhere, so the instruments are listened to.</summary>
    public bool Collecting => Enabled || Addresses.Count > 0;

    /// <summary>The Urls entries, each with its port: a request's local port tells which address it came to.</summary>
    public IReadOnlyList<(string Url, int Port)> Addresses =>
        Entries().Select(u => (u, Parse(u))).Where(e => e.Item2 > 0).ToList();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var url in Entries().Where(u => Parse(u) <= 0))
            yield return new ValidationResult(
                $"Metrics__Urls: '{url}' is not an http://HOST:PORT address with a port of its own (e.g. http://127.0.0.1:9464).", [nameof(Urls)]);
    }

    private IEnumerable<string> Entries() =>
        (Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The port of an address Kestrel accepts (host may be *, + or an address); 0 when it is not one.</summary>
    private static int Parse(string url) =>
        Address().Match(url) is { Success: true } m && int.TryParse(m.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is > 0 and < 65536 ? port : 0;

    [GeneratedRegex(@"^http://(?:[^/:\s\[\]]+|\[[0-9a-fA-F:.]+\]):(?<port>\d{1,5})/?$")]
    private static partial Regex Address();
}
