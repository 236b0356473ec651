using Bpdp.Contracts;
using Bpdp.Policy;
using Bpdp.Policy.Parsing;
using Bpdp.Trust.Approvals;

namespace Bpdp.Builder.Approval;

/// <summary>
/// Checks an approval before anything is built: first its evidence (<see cref="ApprovalEvidence"/>: form,
/// size, signature, key scope and validity, age, the policy's hash), then the policy itself (every validation
/// error, samples included) and that it is the policy the approval names. The first failure decides the
/// reason; a bad policy reports all its errors. A <c>web</c> metric on a host outside <paramref name="webMetricHosts"/> (the
/// KpiGate's <c>KpiGate:WebMetricHosts</c>) is a validation error here, before anything is built.
/// </summary>
public sealed class ApprovalVerifier(ApprovalEvidence evidence, IReadOnlyCollection<string> webMetricHosts)
{
    public ApprovalVerdict Verify(ArtifactApproved approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var check = evidence.Check(approval);
        if (!check.IsAccepted)
        {
            return ApprovalVerdict.Refuse(check.Reason!.Value, check.Message!);
        }

        var result = PolicyValidator.Validate(approval.PolicyYaml);
        if (result.Policy is { } valid && PolicyValidator.WebMetricHostProblems(valid.Module, webMetricHosts) is { Count: > 0 } hosts)
        {
            result = new PolicyValidationResult(null, hosts);
        }

        if (result.Policy is not { } policy)
        {
            return ApprovalVerdict.Refuse(ApprovalRejectionReason.InvalidPolicy,
                $"The policy has {result.Errors.Count} validation error{(result.Errors.Count == 1 ? "" : "s")}; the first: {result.Errors[0]}",
                result.Errors);
        }

        var metadata = policy.Module.Metadata;
        if (metadata.Name != approval.PolicyName || metadata.Version != approval.PolicyVersion || metadata.Agency != approval.Agency)
        {
            return ApprovalVerdict.Refuse(ApprovalRejectionReason.MalformedApproval,
                $"The approval names {approval.PolicyName} {approval.PolicyVersion} of {approval.Agency}, but the policy is {metadata.Name} {metadata.Version} of {metadata.Agency}.");
        }

        return PolicyParser.DnsLabel().IsMatch(approval.Environment)
            ? ApprovalVerdict.Accept(policy)
            : ApprovalVerdict.Refuse(ApprovalRejectionReason.MalformedApproval, $"The environment '{approval.Environment}' is not a DNS label (lowercase letters, digits and '-').");
    }
}
