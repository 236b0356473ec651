using Bpdp.Contracts;
using Bpdp.Notifier.Routing;
using Bpdp.Notifier.Triggers;

namespace Bpdp.Notifier.Sinks;

/// <summary>The generic webhook's JSON body (camelCase, enums as names).</summary>
public sealed record WebhookBody(
    Guid Id,
    Trigger Trigger,
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget? Target,
    string Title,
    string Summary,
    IReadOnlyList<string> Details,
    IReadOnlyList<KpiMeasurement> Measurements,
    Uri? Link)
{
    public static WebhookBody Of(Notification n)
    {
        ArgumentNullException.ThrowIfNull(n);
        return new WebhookBody(n.Id, n.Trigger, n.DeploymentId, n.OccurredAt, n.Target, n.Title, n.Summary, n.Details, n.Measurements, n.Link);
    }
}
