using Bpdp.Contracts;
using Bpdp.Notifier.Triggers;

namespace Bpdp.Notifier.Store;

/// <summary>Notifications waiting for delivery, and what the Notifier knows of each deployment.</summary>
public interface INotificationStore
{
    /// <summary>Keeps a deployment's target, the first time an event names it.</summary>
    Task RememberTarget(Guid deploymentId, DeploymentTarget target, CancellationToken cancel);

    /// <summary>Keeps a failed gate's measurements, replacing an earlier gate's.</summary>
    Task RememberMeasurements(Guid deploymentId, DeploymentTarget target, IReadOnlyList<KpiMeasurement> measurements, CancellationToken cancel);

    Task<DeploymentFacts> Facts(Guid deploymentId, CancellationToken cancel);

    /// <summary>Adds the notifications not already there (by id); returns how many were new.</summary>
    Task<int> Enqueue(IReadOnlyList<Notification> notifications, DateTimeOffset now, CancellationToken cancel);

    /// <summary>Takes up to <paramref name="max"/> pending notifications that are due and that no live lease holds.</summary>
    Task<IReadOnlyList<HeldNotification>> Claim(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancel);

    /// <summary>The sink accepted it; recorded only while <paramref name="owner"/> still holds it (a replica whose lease lapsed changes nothing).</summary>
    Task Delivered(Guid id, string owner, DateTimeOffset now, CancellationToken cancel);

    /// <summary>An attempt failed: try again at <paramref name="retryAt"/>, or never (undeliverable) when it is null; only while <paramref name="owner"/> holds it.</summary>
    Task Failed(Guid id, string owner, int attempts, string error, DateTimeOffset? retryAt, DateTimeOffset now, CancellationToken cancel);

    /// <summary>The newest notifications first, optionally of one status or one deployment.</summary>
    Task<IReadOnlyList<NotificationState>> List(NotificationStatus? status, Guid? deploymentId, int limit, CancellationToken cancel);
}
