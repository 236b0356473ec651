using Microsoft.Extensions.Options;

namespace Bpdp.Notifier.Sinks;

/// <summary>The configured sinks by name.</summary>
public sealed class SinkSet(IOptions<NotifierOptions> options, IHttpClientFactory clients)
{
    private readonly Dictionary<string, INotificationSink> sinks = options.Value.Sinks.ToDictionary(
        sink => sink.Key,
        sink => Create(sink.Key, sink.Value, clients),
        StringComparer.Ordinal);

    /// <summary>The sink a stored notification names, or null when the configuration no longer has it.</summary>
    public INotificationSink? Named(string name) => sinks.GetValueOrDefault(name);

    private static INotificationSink Create(string name, SinkOptions sink, IHttpClientFactory clients) => sink.Kind switch
    {
        SinkKind.Webhook => new WebhookSink(name, sink, clients.CreateClient(HttpPost.ClientName)),
        SinkKind.Slack => new ChatSink(name, sink, clients.CreateClient(HttpPost.ClientName), SlackMessage.Body),
        SinkKind.Teams => new ChatSink(name, sink, clients.CreateClient(HttpPost.ClientName), TeamsMessage.Body),
        _ => new EmailSink(name, sink),
    };
}
