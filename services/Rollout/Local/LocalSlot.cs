using Bpdp.Contracts;
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

    /// <summary>The color the deployment in progress went to, until it is finalized or rolled back.</summary>
    public Color? NewColor { get; set; }

    /// <summary>The color that served before the last cutover, kept warm until the deployment is finalized.</summary>
    public Color? PreviousColor { get; set; }

    public static Color Other(Color color) => color == Color.Blue ? Color.Green : Color.Blue;
}
