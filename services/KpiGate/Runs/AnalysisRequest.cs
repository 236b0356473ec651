using Bpdp.Contracts;

namespace Bpdp.KpiGate.Runs;

/// <summary>What a gate was asked to judge, as the GreenReady or TrafficCutOver that asked for it said.</summary>
public sealed record AnalysisRequest(Guid DeploymentId, AnalysisPhase Phase, DeploymentTarget Target, Color Color, string Endpoint, DateTimeOffset RequestedAt)
{
    /// <summary>Agency, environment and policy: a newer deployment's analysis here supersedes an older one's.</summary>
    public string Place => $"{Target.Agency}/{Target.Environment}/{Target.PolicyName}";
}
