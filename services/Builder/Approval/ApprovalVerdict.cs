using Bpdp.Contracts;
using Bpdp.Policy.Evaluation;

namespace Bpdp.Builder.Approval;

/// <summary>What the approval check concluded: the compiled policy to build, or the one specific reason it is refused.</summary>
public sealed record ApprovalVerdict(CompiledPolicy? Policy, ApprovalRejectionReason? Reason, string? Message, IReadOnlyList<PolicyError> Errors)
{
    public bool Accepted => Policy is not null;

    public static ApprovalVerdict Accept(CompiledPolicy policy) => new(policy, null, null, []);

    public static ApprovalVerdict Refuse(ApprovalRejectionReason reason, string message, IReadOnlyList<PolicyError>? errors = null) =>
        new(null, reason, message, errors ?? []);

    /// <summary>The event that tells everyone why, when refused.</summary>
    public ArtifactRejected ToRejection(ArtifactApproved approval, DateTimeOffset now) =>
        new(approval.DeploymentId, now, approval.Target, Reason ?? throw new InvalidOperationException("an accepted approval is not rejected"), Message!, Errors.Count == 0 ? null : Errors);
}
