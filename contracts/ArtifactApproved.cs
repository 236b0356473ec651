using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Bpdp.Contracts;

/// <summary>
/// The approval system approved a policy artifact for deployment. Published by the approval system
/// (often not .NET: see <c>contracts/README.md</c> for the plain-JSON form); consumed by the Builder.
/// </summary>
/// <param name="DeploymentId">A new UUID chosen by the approval system; it names this deployment everywhere.</param>
/// <param name="OccurredAt">When the message was sent.</param>
/// <param name="PolicyName">The policy module's name (a DNS label), e.g. <c>haz-fast</c>.</param>
/// <param name="PolicyVersion">The policy module's SemVer version.</param>
/// <param name="Agency">The agency that owns the policy and the rollout target.</param>
/// <param name="Environment">The target environment, e.g. <c>production</c>.</param>
/// <param name="PolicyYaml">The policy artifact itself, inline, at most <see cref="MaxPolicyYamlBytes"/> bytes of UTF-8.</param>
/// <param name="PolicySha256">SHA-256 of the UTF-8 bytes of <paramref name="PolicyYaml"/>, 64 lowercase hex digits.</param>
/// <param name="ApproverId">Who approved, as the approval system names them.</param>
/// <param name="ApproverKeyId">Which of the approval system's keys signed; the Builder trusts keys by this id.</param>
/// <param name="ApprovalReference">The approval system's own reference for the approval, e.g. a ticket id.</param>
/// <param name="ApprovedAt">When the approval was granted (UTC).</param>
/// <param name="Signature">Base64 detached signature over <see cref="ApprovalCanonicalForm"/> of this message.</param>
public sealed record ArtifactApproved(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    string PolicyName,
    string PolicyVersion,
    string Agency,
    string Environment,
    [property: MaxLength(ArtifactApproved.MaxPolicyYamlBytes)] string PolicyYaml,
    string PolicySha256,
    string ApproverId,
    string ApproverKeyId,
    string ApprovalReference,
    DateTimeOffset ApprovedAt,
    string Signature) : IPipelineMessage
{
    /// <summary>The largest inline policy accepted: 1 MiB of UTF-8.</summary>
    public const int MaxPolicyYamlBytes = 1024 * 1024;

    /// <summary>The deployment target this approval names.</summary>
    [JsonIgnore]
    public DeploymentTarget Target => new(Agency, Environment, PolicyName, PolicyVersion);
}
