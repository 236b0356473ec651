namespace Bpdp.Contracts;

/// <summary>A KPI gate passed. Published by KpiGate; the Coordinator cuts over or finalizes.</summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When the analysis ended.</param>
/// <param name="Target">What is being deployed and where.</param>
/// <param name="Phase">Which gate passed.</param>
/// <param name="Measurements">Every measurement taken, with its verdict.</param>
public sealed record KpiPassed(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    AnalysisPhase Phase,
    IReadOnlyList<KpiMeasurement> Measurements) : IPipelineMessage;
