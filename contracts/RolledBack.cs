namespace Bpdp.Contracts;

/// <summary>Traffic is on the previous version and the new color is removed. Published by Rollout; terminal for the deployment.</summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When the rollback finished.</param>
/// <param name="Target">What was being deployed and where.</param>
/// <param name="LiveColor">The color serving live traffic after the rollback.</param>
/// <param name="Reason">Why the deployment was rolled back, as the command stated it.</param>
/// <param name="SwitchDuration">From the command received to traffic back on the live color.</param>
public sealed record RolledBack(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    Color LiveColor,
    string Reason,
    TimeSpan SwitchDuration) : IPipelineMessage;
