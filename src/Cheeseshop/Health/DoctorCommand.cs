using System.CommandLine;
using Cheeseshop.Audit;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Health;
using Cheeseshop.Hosting;
using Cheeseshop.Mail;
using Cheeseshop.Privacy;
using MaxMind.Db;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cheeseshop.Health;

/// <summary>
/// `cheeseshop doctor`: the readiness checks, run from here against the same settings, plus what a server
/// only finds out later or never: the settings themselves, the IP-hash key's permissions, the country
/// database's age and the mail relay. One line per check; exit code 1 when any must be fixed. It changes
/// nothing: no migration, no key created.
/// </summary>
public static class DoctorCommand
{
    private static readonly TimeSpan MailTimeout = TimeSpan.FromSeconds(10);

    public static Command Build()
    {
        var doctor = new Command("doctor",
            "Check settings, database, storage, download writer, IP-hash key, country database and mail relay; exit 1 when something needs fixing");
        doctor.SetAction((parse, ct) => RunAsync(CommandLine.Settings(parse), Console.Out, ct));
        return doctor;
    }

    public static async Task<int> RunAsync(IConfiguration configuration, TextWriter output, CancellationToken ct)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCheeseshop(configuration);
        await using var provider = services.BuildServiceProvider();
        var findings = new List<Finding>();
        try
        {
            AppConfiguration.Validate(provider);
            findings.Add(new("configuration", Verdict.Ok, "every setting is valid"));
        }
        catch (InvalidSettingsException e)
        {
            findings.Add(new("configuration", Verdict.Fail, e.Message, "correct the setting named (appsettings.json or its CHEESESHOP_ variable)"));
            return Report(findings, output);
        }
        findings.AddRange(await ReadinessAsync(provider, ct));
        var options = provider.GetRequiredService<CheeseshopOptions>();
        var dataDir = provider.GetRequiredService<DataDirectory>();
        findings.Add(KeyFile(IpHashKey.PathOf(options, dataDir)));
        findings.Add(CountryDatabase(options.GeoIpDatabase, dataDir, provider.GetRequiredService<TimeProvider>()));
        findings.Add(await MailAsync(provider.GetRequiredService<MailOptions>(), dataDir, ct));
        return Report(findings, output);
    }

    private static async Task<IEnumerable<Finding>> ReadinessAsync(IServiceProvider provider, CancellationToken ct)
    {
        var report = await provider.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(r => r.Tags.Contains(HealthEndpoints.ReadyTag), ct);
        return report.Entries.Select(e => e.Value.Status == HealthStatus.Healthy
            ? new Finding(e.Key, Verdict.Ok, e.Value.Description ?? "healthy")
            : new Finding(e.Key, Verdict.Fail,
                e.Value.Exception is { } x ? $"{e.Value.Description}: {x.Message}" : e.Value.Description ?? "failed",
                e.Value.Data.TryGetValue(Outcome.FixKey, out var fix) ? fix as string : null));
    }

    /// <summary>Windows has no Unix modes; there the file's access list is the operator's to check.</summary>
    private static Finding KeyFile(string path) =>
        OperatingSystem.IsWindows() ? new Finding("ip-hash key", Verdict.Ok, $"{path} (permissions not checked on Windows)")
        : HealthRules.KeyFile(path, File.Exists(path) ? File.GetUnixFileMode(path) : null);

    /// <summary>Its age is the build date inside the file, not the file's time: a copy made today of an old
    /// database is still old.</summary>
    private static Finding CountryDatabase(string? configured, DataDirectory dataDir, TimeProvider clock)
    {
        var path = configured ?? MaxMindCountryLookup.DefaultPath(dataDir.Root);
        // A configured file that is missing stops the server at start; the default one is optional.
        if (!File.Exists(path) && configured is not null)
            return new Finding("country database", Verdict.Fail, $"GeoIpDatabase names {path}, which does not exist: the server will not start",
                "correct GeoIpDatabase, or unset it and run `cheeseshop geoip fetch`");
        if (!File.Exists(path)) return HealthRules.CountryDatabase(path, null, clock.GetUtcNow());
        try
        {
            using var reader = new Reader(path);
            return HealthRules.CountryDatabase(path, new DateTimeOffset(reader.Metadata.BuildDate, TimeSpan.Zero), clock.GetUtcNow());
        }
        catch (Exception e) when (e is InvalidDatabaseException or IOException or UnauthorizedAccessException)
        {
            return new Finding("country database", Verdict.Fail, $"{path} cannot be read: {e.Message}",
                "run `cheeseshop geoip fetch`, or point GeoIpDatabase at a MaxMind-format .mmdb file");
        }
    }

    private static async Task<Finding> MailAsync(MailOptions mail, DataDirectory dataDir, CancellationToken ct)
    {
        if (!mail.UsesSmtp)
            return new("mail", Verdict.Ok, $"no SMTP relay set: mail is written to {Path.Combine(dataDir.Root, "outbox")} as .eml files");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(MailTimeout);
        try
        {
            await new SmtpTransport(mail).ProbeAsync(timeout.Token);
            return new("mail", Verdict.Ok, $"connected to {mail.Host}:{mail.Port}{(string.IsNullOrEmpty(mail.Username) ? "" : " and signed in")}");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var why = timeout.IsCancellationRequested ? $"no answer within {MailTimeout.TotalSeconds:0} s" : e.Message;
            return new("mail", Verdict.Fail, $"cannot connect to {mail.Host}:{mail.Port}: {why}",
                "check Mail__Host, Mail__Port, Mail__UseTls and the credentials, or unset Mail__Host to write mail to the outbox");
        }
    }

    /// <summary>One line per check, then a summary; 1 when any check failed.</summary>
    private static int Report(List<Finding> findings, TextWriter output)
    {
        var width = findings.Max(f => f.Check.Length);
        foreach (var f in findings)
        {
            var label = f.Verdict switch { Verdict.Ok => "ok  ", Verdict.Warn => "warn", _ => "FAIL" };
            output.WriteLine($"{label}  {f.Check.PadRight(width)}  {f.Message}{(f.Fix is { } fix && f.Verdict != Verdict.Ok ? $" -> {fix}" : "")}");
        }
        var failed = findings.Count(f => f.Verdict == Verdict.Fail);
        var warned = findings.Count(f => f.Verdict == Verdict.Warn);
        output.WriteLine(failed > 0 ? $"{failed} problem(s) to fix, {warned} warning(s)."
            : warned > 0 ? $"Healthy, with {warned} warning(s)." : "Healthy.");
        return failed > 0 ? 1 : 0;
    }
}
