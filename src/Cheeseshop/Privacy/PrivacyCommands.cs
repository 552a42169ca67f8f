using System.CommandLine;
using System.Globalization;
using Cheeseshop.Hosting;
using Cheeseshop.Index;

namespace Cheeseshop.Privacy;

/// <summary>`retention run|show` and `holds create|list|release`.</summary>
public static class PrivacyCommands
{
    public static DateTime ParseTime(string text, string option)
    {
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
            return DateTime.SpecifyKind(t, DateTimeKind.Utc);
        throw new AdminException($"{option}: '{text}' is not an ISO 8601 date or time (e.g. 2027-01-31 or 2027-01-31T00:00:00Z).");
    }

    public static Command Retention()
    {
        var retention = new Command("retention", "The retention policy: show it, or enforce it now");
        var dryRun = new Option<bool>("--dry-run") { Description = "Count what would be erased; change nothing" };
        var asOf = new Option<string?>("--as-of") { Description = "Act as if it were this time (ISO 8601)" };
        var run = new Command("run", "Erase what the policy says has been kept long enough") { dryRun, asOf };
        run.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, c) =>
        {
            var when = parse.GetValue(asOf) is { } text ? ParseTime(text, "--as-of") : CommandLine.CurrentTime(sp);
            var report = await CliProgress.RunAsync(sp, "retention",
                () => sp.GetRequiredService<RetentionService>().RunAsync(when, parse.GetValue(dryRun), LegalHoldService.CliActor, c));
            Console.Out.WriteLine($"Retention {(report.DryRun ? "dry run (nothing changed)" : "run")} as of {report.AsOf:yyyy-MM-ddTHH:mm:ssZ}");
            foreach (var (key, rows) in report.Counts)
                Console.Out.WriteLine($"  {key,-26} {rows,8} {(report.DryRun ? "would be erased" : "erased")}");
            return 0;
        }, ct));
        var show = new Command("show", "Print the retention policy in force");
        show.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, (sp, c) =>
        {
            foreach (var rule in sp.GetRequiredService<RetentionService>().Rules)
                Console.Out.WriteLine($"{rule.Key,-26} {(rule.Days is { } d ? $"{d} days" : "kept"),-10} {rule.Clock}: {rule.What}");
            return Task.FromResult(0);
        }, ct));
        retention.Subcommands.Add(run);
        retention.Subcommands.Add(show);
        return retention;
    }

    public static Command Holds()
    {
        var holds = new Command("holds", "Legal holds: suspend retention and deletion for one user or project");
        var user = new Option<string?>("--user") { Description = "Hold this user's records" };
        var project = new Option<string?>("--project") { Description = "Hold this project's records" };
        var until = new Option<string>("--until") { Description = "When the hold ends by itself (ISO 8601)", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (kept in the audit log)", Required = true };
        var create = new Command("create", "Place a hold") { user, project, until, reason };
        create.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, c) =>
        {
            var hold = await sp.GetRequiredService<LegalHoldService>().CreateAsync(parse.GetValue(user), parse.GetValue(project),
                ParseTime(parse.GetValue(until)!, "--until"), parse.GetValue(reason)!, LegalHoldService.CliActor, null, c);
            Console.Out.WriteLine(hold.Id);
            return 0;
        }, ct));
        var all = new Option<bool>("--all") { Description = "Include released and expired holds" };
        var list = new Command("list", "List holds") { all };
        list.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, c) =>
        {
            var rows = await sp.GetRequiredService<LegalHoldService>().ListAsync(!parse.GetValue(all), c);
            if (rows.Count == 0) Console.Out.WriteLine("No holds.");
            foreach (var h in rows)
                Console.Out.WriteLine($"{h.Id,5}  {h.SubjectName,-30} until {h.Until:yyyy-MM-dd}  {(h.ReleasedAt is { } r ? $"released {r:yyyy-MM-dd} by {h.ReleasedBy}" : "active")}  {h.Reason}");
            return 0;
        }, ct));
        var id = new Argument<long>("id");
        var release = new Command("release", "Release a hold; retention resumes for its subject") { id };
        release.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, c) =>
        {
            await sp.GetRequiredService<LegalHoldService>().ReleaseAsync(parse.GetValue(id), LegalHoldService.CliActor, c);
            Console.Error.WriteLine("Released.");
            return 0;
        }, ct));
        holds.Subcommands.Add(create);
        holds.Subcommands.Add(list);
        holds.Subcommands.Add(release);
        return holds;
    }
}
