using Bpdp.Contracts;
using Bpdp.Notifier.Routing;

namespace Bpdp.Notifier.Triggers;

/// <summary>An event that may notify, in the Notifier's terms, before routing.</summary>
/// <param name="Trigger">Which trigger it is.</param>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="Target">What and where, when the event says; else learnt from the deployment's earlier events.</param>
/// <param name="Distinct">What tells two occurrences of one trigger in one deployment apart (a gate's phase, a refused message), or empty.</param>
/// <param name="What">What happened, without the target: "failed its pre-promotion KPI gate".</param>
/// <param name="Why">The reason, as the deciding stage gave it.</param>
/// <param name="Measurements">The measurements, for a failed gate.</param>
public sealed record Occurrence(
    Trigger Trigger,
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget? Target,
    string Distinct,
    string What,
    string Why,
    IReadOnlyList<KpiMeasurement> Measurements);
