namespace Cheeseshop.Core.Disclosure;

/// <summary>What a notice says about one request. <paramref name="DelayedUntil"/> is set when an order kept it back.</summary>
public sealed record NoticeFacts(
    string Username, string Kind, string Authority, DateTime Received, string Outcome,
    IReadOnlyList<string> CategoriesDisclosed, DateTime? DelayedUntil, string InstanceName, string DataPageUrl);

/// <summary>
/// The email that tells a user about a request concerning their account: its kind, the authority, the
/// date received, the outcome and the categories disclosed. Never the records themselves: email is
/// not a safe way to send them, and the user can download their own copy from their account.
/// </summary>
public static class NoticeText
{
    public static string Subject(NoticeFacts f) => f.Kind == RequestKinds.DataSubject
        ? "A copy of your account's data was produced"
        : "A legal request concerning your account";

    public static string Body(NoticeFacts f)
    {
        var categories = f.CategoriesDisclosed.Count == 0
            ? "none"
            : string.Join("\n", f.CategoriesDisclosed.Select(k => "  - " + Categories.Get(k).Title + $" ({k})"));
        if (f.Kind == RequestKinds.DataSubject)
            return $"Hello {f.Username},\n\n" +
                   $"{f.InstanceName} produced a copy of everything it holds about your account, as requested on {LegalDates.Date(f.Received)} " +
                   $"(by you, or by an administrator at your request).\n\nCategories included:\n{categories}\n\n" +
                   "If you did not ask for this, someone may have access to your account: change your password and review your " +
                   $"account at once. You can download your own copy at any time (once a day) here:\n\n{f.DataPageUrl}\n";
        var outcome = f.Outcome switch
        {
            RequestOutcomes.Produced => "We disclosed the categories of records listed below.",
            RequestOutcomes.Partial => "We disclosed part of what was asked: the categories of records listed below, narrowed where we could.",
            RequestOutcomes.Withdrawn => "The request was withdrawn. Nothing was disclosed.",
            _ => "We disclosed nothing.",
        };
        return $"Hello {f.Username},\n\n" +
               $"On {LegalDates.Date(f.Received)} {f.InstanceName} received {RequestKinds.Describe(f.Kind)} from {f.Authority} concerning your account.\n" +
               $"{outcome}\n\nCategories disclosed:\n{categories}\n\n" +
               (f.DelayedUntil is { } until ? $"We could not tell you sooner: an order forbade it until {LegalDates.Date(until)}.\n\n" : "") +
               "The records themselves are never sent by email. You can download a copy of everything we hold about you (once a day) here:\n\n" +
               $"{f.DataPageUrl}\n\nThe number of requests we receive is published in our transparency report.\n";
    }
}
