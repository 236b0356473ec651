namespace Bpdp.Rollout.BlueGreen;

/// <summary>
/// One color of one policy as a target observes it: the deployment id its label carries (none when it carries
/// none), the image it runs as the target names it (a digest, or a reference by digest), when the Coordinator
/// sent its DeployGreen (orders deployments), whether it runs, and whether it can take traffic.
/// </summary>
public sealed record ColorSlot(string? DeploymentId, string? Image, DateTimeOffset DeployedAt, bool Running, bool Ready)
{
    public bool BelongsTo(Guid deploymentId) => DeploymentId == deploymentId.ToString();
}
