using Bpdp.Contracts;

namespace Bpdp.Notifier.Store;

/// <summary>What the Notifier has learnt of a deployment from its earlier events.</summary>
/// <param name="Target">What and where, once an event named it.</param>
/// <param name="Measurements">The last failed gate's measurements, for the rollback that follows it.</param>
public sealed record DeploymentFacts(DeploymentTarget? Target, IReadOnlyList<KpiMeasurement> Measurements);
