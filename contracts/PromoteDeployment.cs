namespace Bpdp.Contracts;

/// <summary>Operator command to the Coordinator: end the soak early and finalize this deployment.</summary>
/// <param name="DeploymentId">The deployment to promote.</param>
/// <param name="OccurredAt">When the operator asked.</param>
/// <param name="RequestedBy">Who asked, for the ledger.</param>
public sealed record PromoteDeployment(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    string RequestedBy) : IPipelineMessage;
