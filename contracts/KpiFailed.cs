namespace Bpdp.Contracts;

/// <summary>
/// A KPI gate did not pass. Published by KpiGate; the Coordinator rolls back — or, when the analysis was only
/// <paramref name="Inconclusive"/> (no usable data) and the policy says <c>onInconclusive: pause</c>, waits for a person.
/// </summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When the analysis ended.</param>
/// <param name="Target">What is being deployed and where.</param>
/// <param name="Phase">Which gate failed.</param>
/// <param name="Reason">Which limit was reached, e.g. "error-rate failed 2 of 5 measurements (limit 1)".</param>
/// <param name="Measurements">Every measurement taken, with its verdict: the evidence.</param>
/// <param name="Inconclusive">True when no metric failed or erred, but the data did not allow a verdict (e.g. no traffic).</param>
public sealed record KpiFailed(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    AnalysisPhase Phase,
    string Reason,
    IReadOnlyList<KpiMeasurement> Measurements,
    bool Inconclusive = false) : IPipelineMessage;
