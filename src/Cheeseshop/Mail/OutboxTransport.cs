using MimeKit;

namespace Cheeseshop.Mail;

/// <summary>
/// The embedded default: every message becomes an .eml file in DATA_DIR/outbox/, named by time so a
/// directory listing reads in order. Any mail client opens them; a test reads links out of them.
/// </summary>
public sealed class OutboxTransport(string folder, TimeProvider clock) : IMailTransport
{
    public string Folder { get; } = folder;

    public string Describe() => $"no SMTP host is configured (Mail:Host), so emails are written as .eml files to {Folder}";

    public async Task<string> DeliverAsync(MimeMessage message, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var name = $"{clock.GetUtcNow().UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}.eml";
        var path = Path.Combine(Folder, name);
        var partial = path + ".partial";
        // Written under another name first, so a reader never sees half a message.
        await using (var stream = File.Create(partial))
            await message.WriteToAsync(stream, ct);
        File.Move(partial, path);
        return name;
    }
}
