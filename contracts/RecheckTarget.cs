namespace Bpdp.Contracts;

/// <summary>
/// The Coordinator to itself: a deployment waiting for its target (another deployment of the same target is under
/// way) checks again whether the target is free. Not a pipeline message and not a timeout, so the ledger does not
/// record the re-checks of a wait; only the Coordinator may send it.
/// </summary>
/// <param name="DeploymentId">The waiting deployment.</param>
/// <param name="Due">The re-check time it answers; a re-check for a time the deployment no longer waits for changes nothing.</param>
public sealed record RecheckTarget(Guid DeploymentId, DateTimeOffset Due);
