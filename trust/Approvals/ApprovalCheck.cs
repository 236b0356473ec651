using Bpdp.Contracts;

namespace Bpdp.Trust.Approvals;

/// <summary>The outcome of checking an approval's evidence: accepted, or the first reason it is not, in words an operator can act on.</summary>
public sealed record ApprovalCheck(ApprovalRejectionReason? Reason, string? Message)
{
    public static readonly ApprovalCheck Accepted = new(null, null);

    public bool IsAccepted => Reason is null;

    public static ApprovalCheck Refused(ApprovalRejectionReason reason, string message) => new(reason, message);
}
