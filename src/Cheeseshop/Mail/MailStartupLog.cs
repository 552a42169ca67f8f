namespace Cheeseshop.Mail;

/// <summary>Says once, at start, where this server's email goes, so an operator of the embedded
/// default knows to look in the outbox folder.</summary>
public sealed class MailStartupLog(IMailTransport transport, ILogger<MailStartupLog> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        log.LogInformation("Mail: {Where}", transport.Describe());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
