namespace Bpdp.Contracts;

/// <summary>Operator command to the Coordinator: stop this deployment and roll it back now.</summary>
/// <param name="DeploymentId">The deployment to abort.</param>
/// <param name="OccurredAt">When the operator asked.</param>
/// <param name="RequestedBy">Who asked, for the ledger.</param>
/// <param name="Reason">Why, for the ledger.</param>
public sealed record AbortDeployment(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    string RequestedBy,
    string Reason) : IPipelineMessage;
