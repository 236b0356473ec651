namespace Bpdp.Notifier.Sinks;

/// <summary>How the Email sink secures its SMTP connection.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain text: only for a relay on the same host or network.</summary>
    None,

    /// <summary>STARTTLS, required: a server that does not offer it is a failed attempt.</summary>
    StartTls,

    /// <summary>STARTTLS when the server offers it.</summary>
    StartTlsWhenAvailable,

    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    Tls,
}
