using System.Text;
using System.Text.Json;
using Bpdp.Contracts;
using Bpdp.Notifier.Triggers;

namespace Bpdp.Notifier.Sinks;

/// <summary>
/// The notification as JSON, signed with the sink's secret in <c>X-Bpdp-Signature</c>; <c>X-Bpdp-Delivery</c> carries the
/// notification's id, the same on every attempt, so a receiver can drop a repeat.
/// </summary>
public sealed class WebhookSink(string name, SinkOptions options, HttpClient http) : INotificationSink
{
    public async Task Deliver(Notification notification, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var secret = await SecretFiles.Read(name, "SecretFile", options.SecretFile!, cancel);
        var body = JsonSerializer.SerializeToUtf8Bytes(WebhookBody.Of(notification), ContractJson.Options);
        var signature = WebhookSignature.Of(body, Encoding.UTF8.GetBytes(secret));
        await HttpPost.Send(http, name, options.Url!, body, headers =>
        {
            headers.Add(WebhookSignature.Header, signature);
            headers.Add("X-Bpdp-Delivery", notification.Id.ToString("D"));
            headers.Add("X-Bpdp-Event", notification.Trigger.ToString());
        }, cancel);
    }
}
