using Bpdp.Contracts;

namespace Bpdp.Rollout.Docker;

/// <summary>A policy's containers on the engine, and which one is live.</summary>
public sealed record PolicyContainers(IReadOnlyList<PolicyContainer> All)
{
    /// <summary>
    /// The container holding the policy's alias on the environment's network. Two hold it only when a switch
    /// was interrupted between connecting the new one and disconnecting the old; the newer one is then live,
    /// and the redelivered command finishes the switch either way.
    /// </summary>
    public PolicyContainer? Live => All.Where(c => c.OnLiveAlias).MaxBy(c => c.Created);

    public PolicyContainer? Of(Color color) => All.FirstOrDefault(c => c.Color == color);

    public PolicyContainer? Of(Guid deploymentId) => All.FirstOrDefault(c => c.DeploymentId == deploymentId.ToString());
}
