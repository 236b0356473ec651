using Bpdp.Contracts;

namespace Bpdp.Rollout.BlueGreen;

/// <summary>
/// What a target observes of one policy: the slot of each color, the color live traffic is on, the color the
/// preview shows (none when it shows nothing, or nothing the target can name), and, where the target
/// remembers it, the color live before the last cutover.
/// </summary>
public sealed record PolicySlots(ColorSlot? Blue, ColorSlot? Green, Color? Live)
{
    public Color? Preview { get; init; }

    public PreviousLive? Previous { get; init; }

    public ColorSlot? this[Color color] => color == Color.Blue ? Blue : Green;

    /// <summary>The color whose slot carries the deployment's id, blue before green; none when no slot does.</summary>
    public Color? ColorOf(Guid deploymentId) =>
        Blue?.BelongsTo(deploymentId) == true ? Color.Blue
        : Green?.BelongsTo(deploymentId) == true ? Color.Green
        : null;
}
