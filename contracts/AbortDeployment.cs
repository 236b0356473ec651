namespace Bpdp.Contracts;

/// <summary>Operator command to the Coordinator: stop this deployment and roll it back now.</summary>
/// <param name="DeploymentId">The deployment to abort.</param>
/// <param name="OccurredAt">When the operator asked; signed to the millisecond.</param>
/// <param name="RequestedBy">Who asked, for the ledger.</param>
/// <param name="Reason">Why, for the ledger.</param>
/// <param name="OperatorKeyId">Which operator key signed; the Coordinator trusts operator keys by this id.</param>
/// <param name="Signature">Base64 detached signature over <see cref="OperatorCommandCanonicalForm"/> of this command.</param>
public sealed record AbortDeployment(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    string RequestedBy,
    string Reason,
    string? OperatorKeyId = null,
    string? Signature = null) : IPipelineMessage;
