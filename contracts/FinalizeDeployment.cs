namespace Bpdp.Contracts;

/// <summary>Command to Rollout: the soak passed; after the scale-down delay retire the old color.</summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When the command was issued.</param>
/// <param name="Target">What was deployed and where.</param>
public sealed record FinalizeDeployment(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target) : IPipelineMessage;
