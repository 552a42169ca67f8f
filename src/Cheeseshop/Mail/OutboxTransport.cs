using MimeKit;

namespace Cheeseshop.Mail;

/// <summary>
/// The embedded default: every message becomes an .eml file in DATA_DIR/outbox/, named by time to the
/// microsecond and then by a count of this process's messages, so a sorted listing reads in the order
/// they were sent. Any mail client opens them; a test reads links out of them.
/// </summary>
public sealed class OutboxTransport(string folder, TimeProvider clock) : IMailTransport
{
    public string Folder { get; } = folder;

    private long _sent;

    public string Describe() => $"no SMTP host is configured (Mail:Host), so emails are written as .eml files to {Folder}";

    public async Task<string> DeliverAsync(MimeMessage message, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var name = $"{clock.GetUtcNow().UtcDateTime:yyyyMMdd'T'HHmmss'.'ffffff'Z'}-{Interlocked.Increment(ref _sent):D6}-{Guid.NewGuid():N}.eml";
        var path = Path.Combine(Folder, name);
        var partial = path + ".partial";
        // Written under another name first, so a reader never sees half a message.
        await using (var stream = File.Create(partial))
            await message.WriteToAsync(stream, ct);
        File.Move(partial, path);
        return name;
    }
}
