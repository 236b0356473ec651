using System.Globalization;
using Bpdp.Contracts;
using Bpdp.Trust.Attestations;

namespace Bpdp.Trust.Approvals;

/// <summary>The fields of an approval's canonical form (<see cref="ApprovalCanonicalForm"/>), read back from the exact bytes that were signed.</summary>
public sealed record ApprovalForm(
    Guid DeploymentId,
    string PolicyName,
    string PolicyVersion,
    string Agency,
    string Environment,
    string PolicySha256,
    string ApproverId,
    string ApproverKeyId,
    string ApprovalReference,
    DateTimeOffset ApprovedAt)
{
    private static readonly string[] Names =
        ["deploymentId", "policyName", "policyVersion", "agency", "environment", "policySha256", "approverId", "approverKeyId", "approvalReference", "approvedAt"];

    public DeploymentTarget Target => new(Agency, Environment, PolicyName, PolicyVersion);

    /// <summary>
    /// The approval <paramref name="bytes"/> state; null, with <paramref name="problem"/>, unless they are exactly the
    /// canonical form <see cref="ApprovalCanonicalForm"/> writes for those fields (so no two byte strings read as one approval).
    /// </summary>
    public static ApprovalForm? Parse(byte[] bytes, out string? problem)
    {
        if (CanonicalLines.Parse(bytes, ApprovalCanonicalForm.Header, Names, out problem) is not { } fields)
        {
            return null;
        }

        if (!Guid.TryParseExact(fields["deploymentId"], "D", out var deploymentId)
            || !DateTimeOffset.TryParseExact(fields["approvedAt"], "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var approvedAt))
        {
            problem = "its deploymentId or approvedAt is not in the canonical format";
            return null;
        }

        var form = new ApprovalForm(deploymentId, fields["policyName"], fields["policyVersion"], fields["agency"], fields["environment"], fields["policySha256"],
            fields["approverId"], fields["approverKeyId"], fields["approvalReference"], approvedAt);
        if (!ApprovalCanonicalForm.ToBytes(form.AsApproval()).AsSpan().SequenceEqual(bytes))
        {
            problem = "it is not written exactly as the canonical form (a UUID in upper case, or another spelling of a field)";
            return null;
        }

        return form;
    }

    /// <summary>The approval these fields sign, without the policy itself or a signature (neither is part of the form).</summary>
    private ArtifactApproved AsApproval() => new(DeploymentId, ApprovedAt, PolicyName, PolicyVersion, Agency, Environment, PolicyYaml: "", PolicySha256,
        ApproverId, ApproverKeyId, ApprovalReference, ApprovedAt, Signature: "");
}
