using System.ComponentModel.DataAnnotations;

namespace Cheeseshop.Mail;

/// <summary>
/// The `Mail` section of the configuration (appsettings.json or CHEESESHOP_Mail__Host, ...).
/// Without a Host, mail is not sent at all: it is written to DATA_DIR/outbox/ as .eml files, which
/// suits a single-user index and tests; an operator with real users sets an SMTP relay.
/// </summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    /// <summary>SMTP server; empty means "write to the outbox folder".</summary>
    public string? Host { get; set; }

    [Range(1, 65535)] public int Port { get; set; } = 587;

    /// <summary>The From address, e.g. "PyPI mirror &lt;noreply@example.org&gt;".</summary>
    public string From { get; set; } = "Cheeseshop <cheeseshop@localhost>";

    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>Encrypt the connection: TLS from the first byte on port 465, STARTTLS on any other port.</summary>
    public bool UseTls { get; set; } = true;

    public bool UsesSmtp => !string.IsNullOrWhiteSpace(Host);
}
