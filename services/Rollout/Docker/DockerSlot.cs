using Bpdp.Rollout.Traffic;

namespace Bpdp.Rollout.Docker;

/// <summary>One policy on a Docker engine, as this service holds it: a lock for its commands and its proxy. Which color is live is the engine's.</summary>
public sealed record DockerSlot(TrafficSwitch Traffic)
{
    public SemaphoreSlim Gate { get; } = new(1, 1);
}
