using Bpdp.Contracts;
using Bpdp.Notifier.Routing;

namespace Bpdp.Notifier.Triggers;

/// <summary>
/// What one sink is told about one event: written once when the event arrives, delivered from the store, so a
/// redelivered event or a restarted Notifier sends the same words.
/// </summary>
/// <param name="Id">Derived from the deployment, the trigger, the route and the sink: the same event notifies each sink once.</param>
/// <param name="Trigger">What happened.</param>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When it happened, as the event says.</param>
/// <param name="Target">What was being deployed and where; null when no event of this deployment has named it.</param>
/// <param name="Title">One line: what happened to what, where.</param>
/// <param name="Summary">Why, in the words of the stage that decided.</param>
/// <param name="Details">The evidence, one line each: every metric's measurements against its threshold or condition.</param>
/// <param name="Measurements">The KPI measurements behind a failed gate or a rollback, when known.</param>
/// <param name="Link">The deployment's page in the console, when <c>Notifier:ConsoleUrl</c> is set.</param>
/// <param name="Route">The route that matched.</param>
/// <param name="Sink">The sink it goes to.</param>
public sealed record Notification(
    Guid Id,
    Trigger Trigger,
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget? Target,
    string Title,
    string Summary,
    IReadOnlyList<string> Details,
    IReadOnlyList<KpiMeasurement> Measurements,
    Uri? Link,
    string Route,
    string Sink);
