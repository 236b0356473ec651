using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Notifier.Triggers;

namespace Bpdp.Notifier.Sinks;

/// <summary>
/// A chat incoming webhook (Slack, Teams): the notification in the chat's own shape, POSTed unsigned to the address
/// in <c>Url</c> or <c>UrlFile</c> (the address is the credential).
/// </summary>
public sealed class ChatSink(string name, SinkOptions options, HttpClient http, Func<Notification, JsonObject> shape) : INotificationSink
{
    public async Task Deliver(Notification notification, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var address = await SecretFiles.Address(name, options, cancel);
        await HttpPost.Send(http, name, address, Encoding.UTF8.GetBytes(shape(notification).ToJsonString()), null, cancel);
    }
}
