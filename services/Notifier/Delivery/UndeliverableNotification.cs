using Bpdp.Notifier.Routing;

namespace Bpdp.Notifier.Delivery;

/// <summary>
/// A notification every attempt of which failed, copied to the Notifier's <c>&lt;queue&gt;_error</c> queue so it shows where
/// operators look for what the pipeline could not process. Names its sink, never the sink's address or secret.
/// </summary>
public sealed record UndeliverableNotification(
    Guid NotificationId,
    Guid DeploymentId,
    Trigger Trigger,
    string Route,
    string Sink,
    string Title,
    int Attempts,
    string LastError,
    DateTimeOffset GaveUpAt);
