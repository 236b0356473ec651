namespace Bpdp.Contracts;

/// <summary>
/// The deployment ended rolled back: traffic is on the previous version. Published by the Coordinator;
/// terminal. (<see cref="RolledBack"/> is Rollout's report of the switch; this is the deployment's outcome.)
/// </summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When the rollback was confirmed.</param>
/// <param name="Target">What was being deployed and where.</param>
/// <param name="Reason">Why it was rolled back: the failed gate, the timeout or the operator's abort.</param>
public sealed record DeploymentRolledBack(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    string Reason) : IPipelineMessage;
