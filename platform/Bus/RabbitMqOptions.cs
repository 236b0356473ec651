namespace Bpdp.Platform.Bus;

/// <summary>Configuration section <c>RabbitMq</c>, read when <c>Bus:Transport</c> is <c>RabbitMq</c>.</summary>
public sealed class RabbitMqOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "RabbitMq";

    /// <summary><c>RabbitMq:Host</c>: the broker's host name. Required.</summary>
    public string? Host { get; set; }

    /// <summary><c>RabbitMq:Port</c>: the AMQP port.</summary>
    public ushort Port { get; set; } = 5672;

    /// <summary><c>RabbitMq:VirtualHost</c>: the virtual host.</summary>
    public string VirtualHost { get; set; } = "/";

    /// <summary><c>RabbitMq:Username</c>. Required.</summary>
    public string? Username { get; set; }

    /// <summary><c>RabbitMq:Password</c>; or give <see cref="PasswordFile"/>.</summary>
    public string? Password { get; set; }

    /// <summary><c>RabbitMq:PasswordFile</c>: a file whose content (trimmed) is the password, e.g. a mounted secret.</summary>
    public string? PasswordFile { get; set; }

    /// <summary><c>RabbitMq:UseTls</c>: connect with AMQPS (TLS 1.2 or 1.3); the broker's certificate must verify and name <see cref="Host"/>.</summary>
    public bool UseTls { get; set; }

    /// <summary>
    /// <c>RabbitMq:CaCertificateFile</c>: with <see cref="UseTls"/>, a PEM file of the certificate authority that signed the
    /// broker's certificate, trusted instead of the system's store (a private CA); left out, the system's store decides.
    /// </summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>The password, from <see cref="Password"/> or else <see cref="PasswordFile"/>.</summary>
    public string ResolvePassword() =>
        Password ?? (PasswordFile is null ? "" : File.ReadAllText(PasswordFile).Trim());
}
