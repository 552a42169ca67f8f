using System.Text.RegularExpressions;
using MimeKit;

namespace Cheeseshop.Tests.Accounts;

/// <summary>The .eml files the server wrote to DATA_DIR/outbox (its mail when no SMTP host is set).</summary>
public static partial class Outbox
{
    public sealed record Message(string File, string To, string Subject, string Body);

    public static IReadOnlyList<Message> All(string dataDir)
    {
        var folder = Path.Combine(dataDir, "outbox");
        if (!Directory.Exists(folder)) return [];
        // Oldest first. Names start with the second the mail was sent; within a second the file's own time orders.
        return Directory.GetFiles(folder, "*.eml").OrderBy(File.GetLastWriteTimeUtc).ThenBy(f => f, StringComparer.Ordinal).Select(f =>
        {
            var m = MimeMessage.Load(f);
            return new Message(Path.GetFileName(f), m.To.Mailboxes.Single().Address, m.Subject ?? "", m.TextBody ?? "");
        }).ToList();
    }

    /// <summary>The newest message to <paramref name="to"/> whose subject contains <paramref name="subject"/>.</summary>
    public static Message Latest(string dataDir, string to, string subject) =>
        All(dataDir).LastOrDefault(m => string.Equals(m.To, to, StringComparison.OrdinalIgnoreCase) && m.Subject.Contains(subject, StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidOperationException($"No email to {to} about '{subject}' in the outbox. It holds: " +
            string.Join("; ", All(dataDir).Select(m => $"{m.To}: {m.Subject}")));

    /// <summary>The path and query of the first link in the message that goes to <paramref name="pathPrefix"/>.</summary>
    public static string Link(Message message, string pathPrefix)
    {
        foreach (Match m in LinkRegex().Matches(message.Body))
        {
            var uri = new Uri(m.Value);
            if (uri.AbsolutePath.StartsWith(pathPrefix, StringComparison.Ordinal)) return uri.PathAndQuery;
        }
        throw new InvalidOperationException($"No link to {pathPrefix} in the email '{message.Subject}':\n{message.Body}");
    }

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkRegex();
}
