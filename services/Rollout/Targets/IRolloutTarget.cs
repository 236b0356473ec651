using Bpdp.Contracts;

namespace Bpdp.Rollout.Targets;

/// <summary>
/// Where blue-green happens for one kind of infrastructure. Every method is idempotent, since commands are
/// delivered at least once, and reads which color is live from the target itself wherever the target keeps it.
/// </summary>
public interface IRolloutTarget
{
    /// <summary>The new image in the idle color next to the live one, ready, with the preview pointing at it.</summary>
    Task<GreenDeployed> DeployGreen(DeployGreen command, CancellationToken cancel);

    /// <summary>Live traffic on <see cref="CutOverTraffic.Color"/> in one switch; the previous color stays warm.</summary>
    Task<TrafficMoved> CutOver(CutOverTraffic command, CancellationToken cancel);

    /// <summary>Live traffic back on the previous color if it had moved; the deployment's color removed.</summary>
    Task<RolledBackTo> RollBack(RollBackDeployment command, CancellationToken cancel);

    /// <summary>The deployment's version is the stable one; the previous color is retired after the scale-down delay.</summary>
    Task Finalize(FinalizeDeployment command, CancellationToken cancel);

    /// <summary>What serves the target's policy now, read from the target itself; changes nothing.</summary>
    Task<ServingNow> Serving(DeploymentTarget target, CancellationToken cancel);
}
