namespace Bpdp.Contracts;

/// <summary>The Builder refused an approval: nothing was built. Published by the Builder.</summary>
/// <param name="DeploymentId">The deployment named by the approval.</param>
/// <param name="OccurredAt">When the approval was refused.</param>
/// <param name="Target">What the approval asked to deploy, as it stated it.</param>
/// <param name="Reason">Which check failed.</param>
/// <param name="Message">A one-line, specific explanation with the fix.</param>
/// <param name="Errors">Every policy validation error, for <see cref="ApprovalRejectionReason.InvalidPolicy"/>.</param>
public sealed record ArtifactRejected(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    ApprovalRejectionReason Reason,
    string Message,
    IReadOnlyList<PolicyError>? Errors = null) : IPipelineMessage;
