using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Cheeseshop.Mail;

/// <summary>Sends through the configured SMTP relay (MailKit), one connection per message: mail here is
/// rare (sign-ups, resets), so a pooled connection would mostly sit idle and time out.</summary>
public sealed class SmtpTransport(MailOptions options) : IMailTransport
{
    public string Describe() => $"emails are sent through SMTP at {options.Host}:{options.Port}{(options.UseTls ? " with TLS" : " without TLS")}";

    public async Task<string> DeliverAsync(MimeMessage message, CancellationToken ct)
    {
        using var client = await ConnectAsync(ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
        return "SMTP";
    }

    /// <summary>Connects and signs in as a delivery would, and sends nothing (`cheeseshop doctor`).</summary>
    public async Task ProbeAsync(CancellationToken ct)
    {
        using var client = await ConnectAsync(ct);
        await client.DisconnectAsync(true, ct);
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken ct)
    {
        var client = new SmtpClient();
        try
        {
            var security = !options.UseTls ? SecureSocketOptions.None
                : options.Port == 465 ? SecureSocketOptions.SslOnConnect
                : SecureSocketOptions.StartTls;
            await client.ConnectAsync(options.Host!, options.Port, security, ct);
            if (!string.IsNullOrEmpty(options.Username))
                await client.AuthenticateAsync(options.Username, options.Password ?? "", ct);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
