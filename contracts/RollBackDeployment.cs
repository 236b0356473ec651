namespace Bpdp.Contracts;

/// <summary>Command to Rollout: put traffic back on the previous version and remove the new color.</summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When the command was issued.</param>
/// <param name="Target">What was being deployed and where.</param>
/// <param name="Reason">Why: the failed gate, the timeout or the operator's abort.</param>
public sealed record RollBackDeployment(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    string Reason) : IPipelineMessage;
