using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cheeseshop.Mail;
using MimeKit;

using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Accounts;

/// <summary>
/// The SMTP path of the mail system against a real SMTP server on loopback: Python's standard-library
/// debugging server (smtpd, in Python 3.11), which prints each message it receives.
/// </summary>
public sealed class SmtpTransportTests
{
    [Fact]
    public async Task A_message_is_delivered_to_the_configured_relay()
    {
        var port = LoopbackPorts.Free();
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-W", "ignore", "-u", "-m", "smtpd", "-n", "-c", "DebuggingServer", $"127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var smtp = Process.Start(psi)!;
        var received = new StringBuilder();
        smtp.OutputDataReceived += (_, e) => { lock (received) received.AppendLine(e.Data); };
        smtp.BeginOutputReadLine();
        try
        {
            var transport = new SmtpTransport(new MailOptions { Host = "127.0.0.1", Port = port, UseTls = false });
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse("Cheeseshop <cheeseshop@example.org>"));
            message.To.Add(MailboxAddress.Parse("zoe@example.org"));
            message.Subject = "Verify your email address";
            message.Body = new TextPart("plain") { Text = "https://index.example.org/account/verify-email?token=abc" };

            string where = "";
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    where = await transport.DeliverAsync(message, CancellationToken.None);
                    break;
                }
                catch (SocketException) when (attempt < 50)
                {
                    await Task.Delay(100); // the server is still starting
                }
            }
            Assert.Equal("SMTP", where);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                lock (received)
                    if (received.ToString().Contains("verify-email?token=abc", StringComparison.Ordinal)) break;
                await Task.Delay(50);
            }
            string text;
            lock (received) text = received.ToString();
            Assert.Contains("Subject: Verify your email address", text);
            Assert.Contains("To: zoe@example.org", text);
            Assert.Contains("verify-email?token=abc", text);
        }
        finally
        {
            smtp.Kill();
            await smtp.WaitForExitAsync();
        }
    }

}
