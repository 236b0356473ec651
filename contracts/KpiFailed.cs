namespace Bpdp.Contracts;

/// <summary>A KPI gate failed. Published by KpiGate; the Coordinator rolls back.</summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When the analysis ended.</param>
/// <param name="Target">What is being deployed and where.</param>
/// <param name="Phase">Which gate failed.</param>
/// <param name="Reason">Which limit was reached, e.g. "error-rate failed 2 of 5 measurements (limit 1)".</param>
/// <param name="Measurements">Every measurement taken, with its verdict: the evidence.</param>
public sealed record KpiFailed(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    AnalysisPhase Phase,
    string Reason,
    IReadOnlyList<KpiMeasurement> Measurements) : IPipelineMessage;
