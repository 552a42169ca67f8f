namespace Cheeseshop.Core.Disclosure;

/// <summary>
/// A request as `legal create` gives it, checked before anything is written: kind, dates, scope and
/// categories are parsed, and every problem is reported at once, each naming its option. Whether the
/// subjects exist is for the database to say.
/// </summary>
public sealed record LegalRequestDraft(
    string Kind, string Authority, string Reference, DateTime Received, DateTime Due, IReadOnlyList<string> Subjects,
    DateTime? ScopeFrom, DateTime? ScopeTo, IReadOnlyList<string> Categories, DateTime? NondisclosureUntil, string? Note)
{
    public const int MaxText = 500;

    public static LegalRequestDraft Parse(
        string? kind, string? authority, string? reference, string? received, string? due, IReadOnlyList<string>? subjects,
        string? from, string? to, IReadOnlyList<string>? categories, string? nondisclosureUntil, string? note)
    {
        var problems = new List<string>();
        T? Try<T>(Func<T> parse)
        {
            try { return parse(); }
            catch (DisclosureInputException e) { problems.Add(e.Message); return default; }
        }

        var k = Try(() => RequestKinds.Parse(kind));
        var a = Text(authority, "--authority", problems);
        var r = Text(reference, "--reference", problems);
        var rec = Try(() => (DateTime?)LegalDates.ParseDate(received, "--received"));
        var d = Try(() => (DateTime?)LegalDates.ParseDate(due, "--due"));
        var start = from is null ? null : Try(() => (DateTime?)LegalDates.ParseInstant(from, "--from"));
        var end = to is null ? null : Try(() => (DateTime?)LegalDates.ParseScopeEnd(to, "--to"));
        var cats = Try(() => global::Cheeseshop.Core.Disclosure.Categories.ParseRequested(categories));
        var order = nondisclosureUntil is null ? null : Try(() => (DateTime?)LegalDates.ParseDate(nondisclosureUntil, "--nondisclosure-until"));

        var names = (subjects ?? []).Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        if (names.Count == 0) problems.Add("Name at least one --subject USERNAME.");
        foreach (var dup in names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            problems.Add($"--subject '{dup.Key}' is given more than once.");
        if (rec is { } rv && d is { } dv && dv < rv)
            problems.Add($"--due {LegalDates.Date(dv)} is before --received {LegalDates.Date(rv)}.");
        if (start is { } sv && end is { } ev && ev <= sv)
            problems.Add($"--to {to} is not after --from {from}: the scope would be empty.");
        if (note is { Length: > MaxText * 4 }) problems.Add($"--note is longer than {MaxText * 4} characters.");

        if (problems.Count > 0) throw new DisclosureInputException(string.Join("\n", problems));
        return new LegalRequestDraft(k!, a!, r!, rec!.Value, d!.Value, names, start, end, cats!, order, string.IsNullOrWhiteSpace(note) ? null : note.Trim());
    }

    private static string? Text(string? value, string option, List<string> problems)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text)) problems.Add($"{option} is required and may not be empty.");
        else if (text.Length > MaxText) problems.Add($"{option} is longer than {MaxText} characters.");
        else if (text.Any(char.IsControl)) problems.Add($"{option} may not contain control characters (such as line breaks).");
        else return text;
        return null;
    }
}
