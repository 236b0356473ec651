using Bpdp.Notifier.Triggers;

namespace Bpdp.Notifier.Sinks;

/// <summary>Delivers one notification, or throws <see cref="SinkFailure"/> saying why it did not (never with a secret in it).</summary>
public interface INotificationSink
{
    Task Deliver(Notification notification, CancellationToken cancel);
}
