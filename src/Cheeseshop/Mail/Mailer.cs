using Cheeseshop.Audit;
using Cheeseshop.Core.Audit;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using MimeKit;

namespace Cheeseshop.Mail;

/// <summary>One message to one address. Kind names the template (verify-email, password-reset, ...).</summary>
public sealed record OutgoingEmail(Guid? UserId, string To, string Subject, string Body, string Kind);

/// <summary>
/// Sends a message and records that it was sent: a SentEmail row (address, subject, kind; never the
/// body, which may hold a live link) and, for an account, the user event account:email:sent with
/// warehouse's keys {to_email, subject}. The records join the caller's unit of work; the message
/// itself leaves at once, so callers send last, just before they save.
/// </summary>
public sealed class Mailer(CheeseshopDb db, IMailTransport transport, MailOptions options, EventRecorder events,
    TimeProvider clock, ILogger<Mailer> log)
{
    public async Task SendAsync(OutgoingEmail email, CancellationToken ct)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From));
        message.To.Add(MailboxAddress.Parse(email.To));
        message.Subject = email.Subject;
        message.Date = clock.GetUtcNow();
        message.Body = new TextPart("plain") { Text = email.Body };

        string where;
        try
        {
            where = await transport.DeliverAsync(message, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The exception names the relay, never the client; the recipient stays out of the log too.
            log.LogError(e, "Could not send a {Kind} email", email.Kind);
            throw new MailDeliveryException("We could not send the email just now. Nothing was changed; try again in a few minutes.", e);
        }
        log.LogInformation("Sent a {Kind} email: {Where}", email.Kind, where);

        db.SentEmails.Add(new SentEmail
        {
            UserId = email.UserId, ToAddress = email.To, Subject = email.Subject, Kind = email.Kind,
            Time = clock.GetUtcNow().UtcDateTime,
        });
        if (email.UserId is { } userId)
            await events.UserEventAsync(userId, EventTags.Account.EmailSent, new { to_email = email.To, subject = email.Subject }, ct);
    }
}
