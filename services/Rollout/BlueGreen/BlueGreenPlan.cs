using Bpdp.Contracts;

namespace Bpdp.Rollout.BlueGreen;

/// <summary>
/// The blue-green rules, once for every target, as pure decisions on what a target observes of one policy.
/// A target reads its state, asks the plan, and applies the answer in its own way (a proxy, an engine, a cluster).
/// </summary>
public static class BlueGreenPlan
{
    /// <summary>The other color: blue and green take turns.</summary>
    public static Color Other(Color color) => color == Color.Blue ? Color.Green : Color.Blue;

    /// <summary>The idle color, where a new version goes: the one that is not live, blue when nothing is.</summary>
    public static Color Idle(Color? live) => live is { } color ? Other(color) : Color.Blue;

    /// <summary>
    /// A DeployGreen reuses the slot that carries its deployment id when that slot runs the same image, even after
    /// the cutover (a redelivery must not replace the warm color). Otherwise the new version goes to the idle
    /// color, created there when it is empty, replacing whatever it holds when not. The preview then points at
    /// the color unless it is the live one.
    /// </summary>
    public static DeployDecision DeployGreen(PolicySlots observed, Guid deploymentId, string image)
    {
        ArgumentNullException.ThrowIfNull(observed);
        if (observed.ColorOf(deploymentId) is { } own && observed[own] is { Running: true } mine && mine.Image == image)
        {
            return new DeployDecision(own, DeployAction.Reuse, PointsPreview: observed.Live != own);
        }

        var color = Idle(observed.Live);
        return new DeployDecision(color, observed[color] is null ? DeployAction.Create : DeployAction.Replace, PointsPreview: observed.Live != color);
    }

    /// <summary>
    /// The deployment's color is the slot carrying its id, else the idle color. When live traffic is on that
    /// color it moves back: to the color the target remembers as live before the cutover, or, where it remembers
    /// none, to the other color if that slot can take traffic; else nothing serves (a first deployment). The color
    /// is removed only when it is the deployment's: carrying its id, or empty, or carrying no id at all; a slot
    /// labelled with another deployment's id is never removed. The preview is cleared with it, unless the preview
    /// shows the other color.
    /// </summary>
    public static RollBackDecision RollBack(PolicySlots observed, Guid deploymentId)
    {
        ArgumentNullException.ThrowIfNull(observed);
        var own = observed.ColorOf(deploymentId);
        var color = own ?? Idle(observed.Live);
        var movesLive = observed.Live == color;
        var live = !movesLive ? observed.Live
            : observed.Previous is { } previous ? previous.Color
            : observed[Other(color)] is { Ready: true } ? Other(color)
            : null;
        var removes = own is not null || observed[color]?.DeploymentId is null ? color : (Color?)null;
        return new RollBackDecision(color, movesLive, live, removes, ClearsPreview: removes is not null && observed.Preview != Other(color));
    }

    /// <summary>
    /// The finalized deployment is still live while live traffic is on a slot carrying its id. The preview is
    /// cleared when it shows the deployment's color. Only while it is still live does the other color retire,
    /// and only if that slot was deployed before it and is not its own: a newer deployment whose DeployGreen
    /// overtook this finalize keeps its color, and its preview.
    /// </summary>
    public static FinalizeDecision Finalize(PolicySlots observed, Guid deploymentId)
    {
        ArgumentNullException.ThrowIfNull(observed);
        if (observed.Live is not { } live || observed[live] is not { } mine || !mine.BelongsTo(deploymentId))
        {
            var own = observed.ColorOf(deploymentId);
            return new FinalizeDecision(own, StillLive: false, ClearsPreview: own is not null && observed.Preview == own, Retires: null);
        }

        var other = observed[Other(live)];
        var retires = other is not null && !other.BelongsTo(deploymentId) && other.DeployedAt < mine.DeployedAt ? Other(live) : (Color?)null;
        return new FinalizeDecision(live, StillLive: true, ClearsPreview: observed.Preview == live, retires);
    }
}
