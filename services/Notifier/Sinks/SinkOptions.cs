namespace Bpdp.Notifier.Sinks;

/// <summary>
/// One sink, <c>Notifier:Sinks:&lt;name&gt;</c>. Secrets — a webhook's signing secret, a chat webhook's address (it carries
/// its token), an SMTP password — are read from files, so they stay out of configuration dumps and logs.
/// </summary>
public sealed class SinkOptions
{
    /// <summary><c>Kind</c>: Webhook, Slack, Teams or Email.</summary>
    public SinkKind Kind { get; set; }

    /// <summary><c>Url</c>: the address to POST to (Webhook; Slack and Teams when not in <see cref="UrlFile"/>).</summary>
    public Uri? Url { get; set; }

    /// <summary><c>UrlFile</c>: a file holding the address, for chat webhooks whose address is their credential.</summary>
    public string? UrlFile { get; set; }

    /// <summary><c>SecretFile</c>: a Webhook's HMAC secret; required for Webhook.</summary>
    public string? SecretFile { get; set; }

    /// <summary><c>Host</c>: the SMTP server (Email).</summary>
    public string? Host { get; set; }

    /// <summary><c>Port</c>: the SMTP port (Email; 25 unless set).</summary>
    public int Port { get; set; } = 25;

    /// <summary><c>Security</c>: <c>None</c>, <c>StartTls</c> (required), <c>StartTlsWhenAvailable</c> or <c>Tls</c> (Email).</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTlsWhenAvailable;

    /// <summary><c>From</c>: the sender's address (Email).</summary>
    public string? From { get; set; }

    /// <summary><c>To</c>: the recipients (Email).</summary>
    public List<string> To { get; set; } = [];

    /// <summary><c>UserName</c>: the SMTP user, when the server asks for one (Email).</summary>
    public string? UserName { get; set; }

    /// <summary><c>PasswordFile</c>: the SMTP user's password (Email).</summary>
    public string? PasswordFile { get; set; }
}
