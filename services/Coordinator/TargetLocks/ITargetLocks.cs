namespace Bpdp.Coordinator.TargetLocks;

/// <summary>
/// One deployment at a time per target (agency, environment, policy): a deployment must hold its
/// target before it brings up green, and lets go when it ends.
/// </summary>
public interface ITargetLocks
{
    /// <summary>Takes the target for <paramref name="deploymentId"/>; true when it is now (or already was) this deployment's.</summary>
    Task<bool> TryEnter(string target, Guid deploymentId, CancellationToken cancel = default);

    /// <summary>Gives the target up, if <paramref name="deploymentId"/> holds it.</summary>
    Task Leave(string target, Guid deploymentId, CancellationToken cancel = default);
}
