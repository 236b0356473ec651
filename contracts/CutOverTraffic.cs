namespace Bpdp.Contracts;

/// <summary>Command to Rollout: move live traffic to the new color. Sent by the Coordinator after the pre-promotion gate passed.</summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When the command was issued.</param>
/// <param name="Target">What is being deployed and where.</param>
/// <param name="Color">The color to make live.</param>
public sealed record CutOverTraffic(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    Color Color) : IPipelineMessage;
