using System.CommandLine;
using System.Text.Json;
using Cheeseshop.Core.Disclosure;
using Cheeseshop.Hosting;
using Cheeseshop.Privacy;

namespace Cheeseshop.Disclosure;

/// <summary>
/// `cheeseshop legal create|list|show|produce|close|notices`: legal requests from recording to notice.
/// Input that can be checked without the database is checked first, so bad input writes nothing
/// (not even a new database); every problem is printed as "error: ..." and the exit code is 1.
/// </summary>
public static class LegalCommands
{
    public static Command Build()
    {
        var legal = new Command("legal", "Legal requests: record, review, produce the disclosure package, close and notify");
        legal.Subcommands.Add(Create());
        legal.Subcommands.Add(List());
        legal.Subcommands.Add(Show());
        legal.Subcommands.Add(Produce());
        legal.Subcommands.Add(Close());
        legal.Subcommands.Add(Notices());
        return legal;
    }

    private static Command Create()
    {
        var kind = new Option<string>("--kind") { Description = $"One of: {string.Join(", ", RequestKinds.All)}", Required = true };
        var authority = new Option<string>("--authority") { Description = "Who issued it (court, agency, person)", Required = true };
        var reference = new Option<string>("--reference") { Description = "Its case or reference number", Required = true };
        var received = new Option<string>("--received") { Description = "Date received (YYYY-MM-DD)", Required = true };
        var due = new Option<string>("--due") { Description = "Date due (YYYY-MM-DD)", Required = true };
        var subject = new Option<string[]>("--subject") { Description = "A username it concerns (repeat for several)", Required = true };
        var from = new Option<string?>("--from") { Description = "Scope start (YYYY-MM-DD or ISO 8601 time, inclusive)" };
        var to = new Option<string?>("--to") { Description = "Scope end (YYYY-MM-DD includes that day; a time is exclusive)" };
        var category = new Option<string[]>("--category") { Description = $"A category asked for (repeat; default all nine): {string.Join(", ", Categories.Keys)}" };
        var order = new Option<string?>("--nondisclosure-until") { Description = "An order forbids telling the subjects until this date (YYYY-MM-DD)" };
        var note = new Option<string?>("--note") { Description = "A note kept with the request" };
        var create = new Command("create", "Record a request; holds its subjects' records at once (except data-subject); prints its id")
            { kind, authority, reference, received, due, subject, from, to, category, order, note };
        create.SetAction((parse, ct) =>
        {
            LegalRequestDraft? draft = null;
            return RunAsync(parse, ct, () => draft = LegalRequestDraft.Parse(parse.GetValue(kind), parse.GetValue(authority), parse.GetValue(reference),
                parse.GetValue(received), parse.GetValue(due), parse.GetValue(subject), parse.GetValue(from), parse.GetValue(to),
                parse.GetValue(category), parse.GetValue(order), parse.GetValue(note)), async (sp, c) =>
            {
                var request = await sp.GetRequiredService<LegalRequestService>().CreateAsync(draft!, LegalRequestService.FromOperator, LegalHoldService.CliActor, c);
                Console.Out.WriteLine(request.Id);
                Console.Error.WriteLine(RequestKinds.PlacesHold(request.Kind)
                    ? $"Recorded request {request.Id}; its subjects' records are held until it is closed: {string.Join(", ", request.Subjects.Select(s => s.Username))}."
                    : $"Recorded request {request.Id} (no hold: a data-subject request).");
                return 0;
            });
        });
        return create;
    }

    private static Command List()
    {
        var open = new Option<bool>("--open") { Description = "Only requests not yet closed" };
        var list = new Command("list", "List requests") { open };
        list.SetAction((parse, ct) => RunAsync(parse, ct, null, async (sp, c) =>
        {
            var rows = await sp.GetRequiredService<LegalRequestService>().ListAsync(parse.GetValue(open), LegalHoldService.CliActor, c);
            if (rows.Count == 0) Console.Out.WriteLine(parse.GetValue(open) ? "No open requests." : "No requests.");
            var today = CommandLine.CurrentTime(sp).Date;
            foreach (var r in rows)
            {
                var state = r.ClosedAt is { } closed ? $"closed {LegalDates.Date(closed)} ({r.Outcome})" : $"open, due {LegalDates.Date(r.Due)} ({LegalDates.DaysLeft(r.Due, today)})";
                Console.Out.WriteLine($"{r.Id,5}  {r.Kind,-14} received {LegalDates.Date(r.Received)}  {state}  {string.Join(",", r.Subjects.Select(s => s.Username))}  {r.Authority}");
            }
            return 0;
        }));
        return list;
    }

    private static Command Show()
    {
        var id = new Argument<long>("id") { Description = "The request's id" };
        var show = new Command("show", "Show a request: subjects, holds, deadline, order, packages produced and the audit trail") { id };
        show.SetAction((parse, ct) => RunAsync(parse, ct, null, async (sp, c) =>
        {
            var d = await sp.GetRequiredService<LegalRequestService>().ShowAsync(parse.GetValue(id), LegalHoldService.CliActor, c);
            var r = d.Request;
            var today = CommandLine.CurrentTime(sp);
            var o = Console.Out;
            o.WriteLine($"Request {r.Id}: {r.Kind}");
            o.WriteLine($"  authority:    {r.Authority}");
            o.WriteLine($"  reference:    {r.Reference}");
            o.WriteLine($"  received:     {LegalDates.Date(r.Received)}");
            o.WriteLine($"  due:          {LegalDates.Date(r.Due)}{(r.ClosedAt is null ? $" ({LegalDates.DaysLeft(r.Due, today.Date)})" : "")}");
            o.WriteLine($"  scope:        {(r.ScopeFrom is { } f ? LegalDates.Short(f) : "the beginning")} to {(r.ScopeTo is { } t ? LegalDates.Short(t) + " (exclusive)" : "the time of production")}");
            o.WriteLine($"  categories:   {r.Categories.Replace(' ', ',')}");
            o.WriteLine($"  notice:       {(r.NondisclosureUntil is { } n ? (n > today ? $"an order forbids telling the subjects until {LegalDates.Date(n)}" : $"an order forbade it until {LegalDates.Date(n)}") : "no order: subjects are told when it is closed")}");
            o.WriteLine($"  recorded:     {LegalDates.Short(r.Created)} by {r.CreatedBy} ({r.Origin})");
            if (r.Note is not null) o.WriteLine($"  note:         {r.Note}");
            o.WriteLine($"  status:       {(r.ClosedAt is { } closed ? $"closed {LegalDates.Short(closed)} by {r.ClosedBy}: {r.Outcome}{(r.CloseNote is null ? "" : " (" + r.CloseNote + ")")}" : "open")}");
            o.WriteLine("Subjects:");
            foreach (var s in r.Subjects)
                o.WriteLine($"  {s.Username,-24} {(s.UserId is null ? "account erased" : "")}  notice: {NoticeState(s)}");
            o.WriteLine("Holds:");
            if (d.Holds.Count == 0) o.WriteLine("  none");
            foreach (var h in d.Holds)
                o.WriteLine($"  {h.Id,5}  {h.SubjectName,-28} {(h.ReleasedAt is { } rel ? $"released {LegalDates.Short(rel)} by {h.ReleasedBy}" : "active")}");
            o.WriteLine("Produced:");
            if (d.Disclosures.Count == 0) o.WriteLine("  nothing yet");
            foreach (var p in d.Disclosures)
                o.WriteLine($"  {LegalDates.Short(p.RecordedAt)} by {p.ProducedBy}: {p.FileName}, {p.Bytes} bytes, as of {LegalDates.Short(p.ProducedAt)}, sha256 {p.Sha256}\n      rows: {p.CountsJson}");
            o.WriteLine("Audit trail:");
            foreach (var a in d.Audit)
                o.WriteLine($"  {LegalDates.Short(a.Time)}  {a.Actor,-20} {a.Action,-14} {a.DetailsJson}");
            return 0;
        }));
        return show;
    }

    private static Command Produce()
    {
        var id = new Argument<long>("id") { Description = "The request's id" };
        var output = new Option<string>("--out") { Description = "The zip file to write", Required = true };
        var asOf = new Option<string?>("--as-of") { Description = "The package's produced_at (ISO 8601); the same data and --as-of give the same bytes" };
        var force = new Option<bool>("--force") { Description = "Replace --out if it exists" };
        var produce = new Command("produce", "Write the disclosure package; prints its SHA-256 and path (as sha256sum does)") { id, output, asOf, force };
        produce.SetAction((parse, ct) =>
        {
            DateTime? when = null;
            return RunAsync(parse, ct, () =>
            {
                DisclosureProducer.CheckOutPath(parse.GetValue(output), parse.GetValue(force));
                when = parse.GetValue(asOf) is { } text ? LegalDates.ParseInstant(text, "--as-of") : null;
            }, async (sp, c) =>
            {
                var result = await CliProgress.RunAsync(sp, "produce", () => sp.GetRequiredService<DisclosureProducer>().ProduceAsync(
                    parse.GetValue(id), parse.GetValue(output)!, when, parse.GetValue(force), LegalHoldService.CliActor, c, collectYoungOften: true));
                PrintProduction(result);
                return 0;
            });
        });
        return produce;
    }

    private static Command Close()
    {
        var id = new Argument<long>("id") { Description = "The request's id" };
        var outcome = new Option<string>("--outcome") { Description = $"One of: {string.Join(", ", RequestOutcomes.All)}", Required = true };
        var note = new Option<string?>("--note") { Description = "A note kept with the request" };
        var close = new Command("close", "Close a request: release its holds and notify its subjects (or schedule the notice an order delays)") { id, outcome, note };
        close.SetAction((parse, ct) => RunAsync(parse, ct, () => RequestOutcomes.Parse(parse.GetValue(outcome)), async (sp, c) =>
        {
            var r = await sp.GetRequiredService<LegalRequestService>().CloseAsync(parse.GetValue(id), parse.GetValue(outcome)!, parse.GetValue(note), LegalHoldService.CliActor, c);
            Console.Error.WriteLine($"Closed request {r.Id} ({r.Outcome}); its holds are released.");
            foreach (var s in r.Subjects) Console.Error.WriteLine($"  {s.Username}: notice {NoticeState(s)}");
            return 0;
        }));
        return close;
    }

    private static Command Notices()
    {
        var asOf = new Option<string?>("--as-of") { Description = "Send the notices due by this time (ISO 8601; default now)" };
        var notices = new Command("notices", "Send the notices that are due (what the server's daily job does)") { asOf };
        notices.SetAction((parse, ct) =>
        {
            DateTime? when = null;
            return RunAsync(parse, ct, () => when = parse.GetValue(asOf) is { } text ? LegalDates.ParseInstant(text, "--as-of") : null, async (sp, c) =>
            {
                var run = await sp.GetRequiredService<LegalNoticeService>().SendDueAsync(when ?? CommandLine.CurrentTime(sp), null, LegalHoldService.CliActor, c);
                Console.Out.WriteLine($"Notices: {run.Sent} sent, {run.Undeliverable} undeliverable, {run.Failed} failed.");
                return run.Failed > 0 ? 1 : 0;
            });
        });
        return notices;
    }

    internal static void PrintProduction(ProductionResult result)
    {
        // "SHA256  PATH", the line sha256sum prints, so `sha256sum -c` can check the file later.
        Console.Out.WriteLine($"{result.Sha256}  {result.Path}");
        Console.Error.WriteLine($"Produced request {result.RequestId}'s package as of {LegalDates.Short(result.ProducedAt)}: {result.Bytes} bytes.");
        foreach (var (user, rows) in result.Counts)
            Console.Error.WriteLine($"  {user}: {JsonSerializer.Serialize(rows)}");
    }

    internal static string NoticeState(Data.Entities.LegalRequestSubject s) => s.NoticeStatus switch
    {
        null => "when the request is closed",
        LegalNoticeService.Waiting => $"waiting until {(s.NoticeDue is { } due ? LegalDates.Short(due) : "?")}{(s.NoticeDelayed ? " (nondisclosure order)" : "")}",
        LegalNoticeService.Sent => $"sent {(s.NoticeSentAt is { } at ? LegalDates.Short(at) : "")}",
        _ => s.NoticeStatus,
    };

    /// <summary>
    /// Runs <paramref name="check"/> (input checks that need no database) before anything else, then the
    /// action with the server's services; a DisclosureInputException from either is "error: ..." and exit 1.
    /// </summary>
    internal static Task<int> RunAsync(ParseResult parse, CancellationToken ct, Action? check, Func<IServiceProvider, CancellationToken, Task<int>> action)
    {
        try
        {
            check?.Invoke();
        }
        catch (DisclosureInputException e)
        {
            return Task.FromResult(Error(e));
        }
        return CommandLine.WithServicesAsync(parse, async (sp, c) =>
        {
            try
            {
                return await action(sp, c);
            }
            catch (DisclosureInputException e)
            {
                return Error(e);
            }
        }, ct);
    }

    private static int Error(DisclosureInputException e)
    {
        foreach (var line in e.Message.Split('\n')) Console.Error.WriteLine($"error: {line}");
        return 1;
    }
}
