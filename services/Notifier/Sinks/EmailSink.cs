using System.Text;
using Bpdp.Notifier.Triggers;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Bpdp.Notifier.Sinks;

/// <summary>
/// E-mail over SMTP (MailKit): subject <c>[BPDP] &lt;title&gt;</c>, a plain-text body, and a Message-Id derived from the
/// notification's id, so the copies of an attempt that is repeated are recognisable as one message.
/// </summary>
public sealed class EmailSink(string name, SinkOptions options) : INotificationSink
{
    public async Task Deliver(Notification notification, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var message = Message(notification);
        using var smtp = new SmtpClient();
        try
        {
            await smtp.ConnectAsync(options.Host!, options.Port, Socket(options.Security), cancel);
            if (options.UserName is { Length: > 0 } user)
            {
                await smtp.AuthenticateAsync(user, await SecretFiles.Read(name, "PasswordFile", options.PasswordFile!, cancel), cancel);
            }

            await smtp.SendAsync(message, cancel);
            await smtp.DisconnectAsync(quit: true, cancel);
        }
        catch (Exception error) when (error is SmtpCommandException or SmtpProtocolException or AuthenticationException or ServiceNotConnectedException
            or System.Net.Sockets.SocketException or IOException or SslHandshakeException)
        {
            throw new SinkFailure($"sink '{name}': SMTP {options.Host}:{options.Port} failed ({Describe(error)})");
        }
    }

    public MimeMessage Message(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var message = new MimeMessage { Subject = $"[BPDP] {notification.Title}", MessageId = $"{notification.Id:D}@bpdp" };
        message.From.Add(MailboxAddress.Parse(options.From!));
        message.To.AddRange(options.To.Select(MailboxAddress.Parse));
        var text = new StringBuilder(notification.Title).Append("\n\n").Append(notification.Summary).Append('\n');
        foreach (var line in notification.Details)
        {
            text.Append("\n- ").Append(line);
        }

        if (notification.Link is { } link)
        {
            text.Append("\n\nIn the console: ").Append(link);
        }

        text.Append($"\n\nDeployment {notification.DeploymentId}, {notification.OccurredAt:u}; route {notification.Route}.\n");
        message.Body = new TextPart("plain") { Text = text.ToString() };
        return message;
    }

    private static SecureSocketOptions Socket(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTlsWhenAvailable,
    };

    private static string Describe(Exception error) => error switch
    {
        SmtpCommandException command => $"{(int)command.StatusCode} {command.StatusCode}",
        AuthenticationException => "authentication refused",
        System.Net.Sockets.SocketException socket => socket.SocketErrorCode.ToString(),
        _ => error.GetType().Name,
    };
}
