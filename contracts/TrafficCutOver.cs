namespace Bpdp.Contracts;

/// <summary>Live traffic now goes to the new color; the old one stays warm for the soak. Published by Rollout.</summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When traffic moved.</param>
/// <param name="Target">What is being deployed and where.</param>
/// <param name="LiveColor">The color now serving live traffic.</param>
/// <param name="PreviousColor">The color kept warm for a rollback.</param>
/// <param name="SwitchDuration">From the command received to the switch done.</param>
/// <param name="LiveEndpoint">Base URL of the live service, now answered by the new color, for the post-promotion gate.</param>
public sealed record TrafficCutOver(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    Color LiveColor,
    Color PreviousColor,
    TimeSpan SwitchDuration,
    string? LiveEndpoint = null) : IPipelineMessage;
