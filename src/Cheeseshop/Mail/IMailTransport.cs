using MimeKit;

namespace Cheeseshop.Mail;

/// <summary>Where a finished message goes: an SMTP relay, or the outbox folder.</summary>
public interface IMailTransport
{
    /// <summary>A sentence for the operator's log saying where mail goes (no addresses in it).</summary>
    string Describe();

    /// <summary>Delivers the message; returns what to log about it (a file name, or "SMTP").</summary>
    Task<string> DeliverAsync(MimeMessage message, CancellationToken ct);
}
