using Bpdp.Contracts;
using Bpdp.Rollout.BlueGreen;

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

    /// <summary>
    /// The containers as the plan reads them, with the proxy's <paramref name="preview"/> destination named by the
    /// container it reaches. A container takes traffic once its port is published; one without a deployment label
    /// reads as carrying an empty id, so the plan treats it as another deployment's and never removes it.
    /// </summary>
    public PolicySlots Observed(Uri? preview) => new(Slot(Color.Blue), Slot(Color.Green), Live?.Color)
    {
        Preview = preview is null ? null : All.FirstOrDefault(c => c.Address == preview)?.Color,
    };

    private ColorSlot? Slot(Color color) =>
        Of(color) is { } container ? new ColorSlot(container.DeploymentId, container.Digest, container.DeployedAt, container.Running, Ready: container.Address is not null) : null;
}
