using Bpdp.Contracts;
using Bpdp.Rollout.BlueGreen;
using Bpdp.Rollout.Traffic;

namespace Bpdp.Rollout.Local;

/// <summary>One policy in one agency's environment on this host: its service and the executors of each color.</summary>
public sealed class LocalSlot(TrafficSwitch traffic)
{
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public TrafficSwitch Traffic { get; } = traffic;

    public Dictionary<Color, IRunningExecutor> Executors { get; } = [];

    /// <summary>Which deployment each color's executor belongs to, and when the Coordinator sent its DeployGreen (orders deployments).</summary>
    public Dictionary<Color, (Guid DeploymentId, DateTimeOffset DeployedAt)> Owners { get; } = [];

    /// <summary>The color serving live traffic, if any yet.</summary>
    public Color? LiveColor { get; set; }

    /// <summary>The color that served before the last cutover, kept warm until the deployment is finalized.</summary>
    public Color? PreviousColor { get; set; }

    /// <summary>The slots as the plan reads them: every executor here is running and was ready when it was added.</summary>
    public PolicySlots Observed() => new(Of(Color.Blue), Of(Color.Green), LiveColor)
    {
        Preview = Executors.Where(e => e.Value.Address == Traffic.Preview).Select(e => (Color?)e.Key).FirstOrDefault(),
        Previous = new PreviousLive(PreviousColor),
    };

    private ColorSlot? Of(Color color) =>
        Executors.TryGetValue(color, out var executor) && Owners.TryGetValue(color, out var owner)
            ? new ColorSlot(owner.DeploymentId.ToString(), executor.Digest, owner.DeployedAt, Running: true, Ready: true)
            : null;
}
