using System.Security.Cryptography;
using System.Text;
using Bpdp.Contracts;
using Bpdp.Trust.Keys;

namespace Bpdp.Trust.Approvals;

/// <summary>
/// Checks that an approval is what it claims to be, from its evidence alone, cheapest and most fundamental
/// first: a canonical form, a policy within the size limit, a signature, a trusted key, a signature that
/// verifies with it, a key whose scope covers the agency and environment and that is valid now and was when
/// it signed, an approval neither older than the allowed age nor dated in the future, and the policy whose
/// hash it signs. Every stage that acts on an approval runs the same checks.
/// </summary>
public sealed class ApprovalEvidence(ApprovalKeyRing keys, TimeProvider clock, TimeSpan maxAge, string trustedKeysSection)
{
    /// <summary>How far an approval system's clock may run ahead of this one.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public ApprovalCheck Check(ArtifactApproved approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        byte[] canonical;
        try
        {
            canonical = ApprovalCanonicalForm.ToBytes(approval);
        }
        catch (ArgumentException error)
        {
            return ApprovalCheck.Refused(ApprovalRejectionReason.MalformedApproval, $"The approval cannot be verified: {error.Message}");
        }

        var size = Encoding.UTF8.GetByteCount(approval.PolicyYaml);
        if (size > ArtifactApproved.MaxPolicyYamlBytes)
        {
            return ApprovalCheck.Refused(ApprovalRejectionReason.Oversize, $"The policy is {size} bytes; the limit is {ArtifactApproved.MaxPolicyYamlBytes} bytes (1 MiB).");
        }

        if (string.IsNullOrWhiteSpace(approval.Signature))
        {
            return ApprovalCheck.Refused(ApprovalRejectionReason.MissingSignature,
                "The approval carries no signature; the approval system signs the canonical form with its ECDSA P-256 key (contracts/README.md).");
        }

        if (!keys.TryGet(approval.ApproverKeyId, out var key))
        {
            return ApprovalCheck.Refused(ApprovalRejectionReason.UnknownKey,
                $"The approval is signed with key '{approval.ApproverKeyId}', which is not trusted here " +
                $"(trusted: {string.Join(", ", keys.KeyIds.Order(StringComparer.Ordinal))}); configure it as {trustedKeysSection}:{approval.ApproverKeyId}.");
        }

        if (!P256Signature.Verifies(key.PublicKey, canonical, approval.Signature))
        {
            return ApprovalCheck.Refused(ApprovalRejectionReason.InvalidSignature,
                $"The signature does not verify with key '{approval.ApproverKeyId}': the approval was changed after signing, or signed with another key or form.");
        }

        if (!key.Covers(approval.Agency, approval.Environment))
        {
            return ApprovalCheck.Refused(ApprovalRejectionReason.KeyNotAuthorized,
                $"Key '{key.KeyId}' may approve only for {key.DescribeScope()}, not for agency '{approval.Agency}', environment '{approval.Environment}'.");
        }

        var now = clock.GetUtcNow();
        if (!key.ValidAt(now) || !key.ValidAt(approval.ApprovedAt))
        {
            return ApprovalCheck.Refused(ApprovalRejectionReason.KeyNotValid,
                $"Key '{key.KeyId}' is valid from {key.DescribeValidity()}; the approval was signed at {approval.ApprovedAt:O} and checked at {now:O}.");
        }

        if (approval.ApprovedAt > now + ClockSkew)
        {
            return ApprovalCheck.Refused(ApprovalRejectionReason.StaleApproval,
                $"The approval is dated {approval.ApprovedAt:O}, later than now ({now:O}) by more than {ClockSkew.TotalMinutes:F0} minutes: check the approval system's clock.");
        }

        if (now - approval.ApprovedAt > maxAge)
        {
            return ApprovalCheck.Refused(ApprovalRejectionReason.StaleApproval,
                $"The approval was given at {approval.ApprovedAt:O}, {Describe(now - approval.ApprovedAt)} ago; approvals older than {Describe(maxAge)} are refused, so approve the policy again.");
        }

        var actualHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(approval.PolicyYaml)));
        return string.Equals(actualHash, approval.PolicySha256, StringComparison.Ordinal)
            ? ApprovalCheck.Accepted
            : ApprovalCheck.Refused(ApprovalRejectionReason.HashMismatch,
                $"The policy's SHA-256 is {actualHash}, but the approval states {approval.PolicySha256}: the policy is not the one that was approved.");
    }

    private static string Describe(TimeSpan span) => span.TotalHours >= 1 ? $"{span.TotalHours:F1} h" : $"{span.TotalMinutes:F0} min";
}
