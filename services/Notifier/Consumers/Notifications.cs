using Bpdp.Contracts;
using Bpdp.Notifier.Delivery;
using Bpdp.Notifier.Routing;
using Bpdp.Notifier.Store;
using Bpdp.Notifier.Triggers;

namespace Bpdp.Notifier.Consumers;

/// <summary>
/// Turns an occurrence into notifications and writes them down for the dispatcher: the target from the event or the
/// deployment's earlier ones, and for a rollback the failed gate's measurements. Writing is insert-if-absent by a
/// notification's id, so an event delivered twice notifies once.
/// </summary>
public sealed class Notifications(INotificationStore store, RouteTable routes, NotificationDispatcher dispatcher, TimeProvider time)
{
    public async Task Record(Occurrence occurrence, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(occurrence);
        if (occurrence.Target is { } named)
        {
            if (occurrence.Trigger == Trigger.KpiFailed)
            {
                await store.RememberMeasurements(occurrence.DeploymentId, named, occurrence.Measurements, cancel);
            }
            else
            {
                await store.RememberTarget(occurrence.DeploymentId, named, cancel);
            }
        }

        if (!routes.AnyFor(occurrence.Trigger))
        {
            return;
        }

        var facts = await store.Facts(occurrence.DeploymentId, cancel);
        var evidence = occurrence.Measurements.Count > 0 || occurrence.Trigger != Trigger.DeploymentRolledBack ? occurrence.Measurements : facts.Measurements;
        var notifications = routes.For(occurrence, occurrence.Target ?? facts.Target, evidence);
        var added = await store.Enqueue(notifications, time.GetUtcNow(), cancel);
        if (added > 0)
        {
            NotifierMetrics.Enqueued.WithLabels(occurrence.Trigger.ToString()).Inc(added);
            dispatcher.Wake();
        }
    }

    /// <summary>Keeps what a forward-path event says of its deployment, for the events that do not say it.</summary>
    public Task Learn(Guid deploymentId, DeploymentTarget target, CancellationToken cancel) => store.RememberTarget(deploymentId, target, cancel);
}
