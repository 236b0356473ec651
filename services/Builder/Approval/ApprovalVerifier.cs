using System.Security.Cryptography;
using System.Text;
using Bpdp.Contracts;
using Bpdp.Policy;
using Bpdp.Policy.Parsing;

namespace Bpdp.Builder.Approval;

/// <summary>
/// Checks an approval before anything is built, cheapest and most fundamental first: well-formed
/// fields, size, signature (present, from a trusted key, valid over the canonical form), the policy's
/// hash, then the policy itself (every validation error, samples included) and that it is the policy
/// the approval names. The first failure decides the reason; a bad policy reports all its errors.
/// </summary>
public sealed class ApprovalVerifier(ApprovalKeys keys)
{
    public ApprovalVerdict Verify(ArtifactApproved approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        byte[] canonical;
        try
        {
            canonical = ApprovalCanonicalForm.ToBytes(approval);
        }
        catch (ArgumentException error)
        {
            return ApprovalVerdict.Refuse(ApprovalRejectionReason.MalformedApproval, $"The approval cannot be verified: {error.Message}");
        }

        var size = Encoding.UTF8.GetByteCount(approval.PolicyYaml);
        if (size > ArtifactApproved.MaxPolicyYamlBytes)
        {
            return ApprovalVerdict.Refuse(ApprovalRejectionReason.Oversize, $"The policy is {size} bytes; the limit is {ArtifactApproved.MaxPolicyYamlBytes} bytes (1 MiB).");
        }

        if (string.IsNullOrWhiteSpace(approval.Signature))
        {
            return ApprovalVerdict.Refuse(ApprovalRejectionReason.MissingSignature, "The approval carries no signature; the approval system signs the canonical form with its ECDSA P-256 key (contracts/README.md).");
        }

        if (!keys.TryGet(approval.ApproverKeyId, out var key))
        {
            return ApprovalVerdict.Refuse(ApprovalRejectionReason.UnknownKey,
                $"The approval is signed with key '{approval.ApproverKeyId}', which the Builder does not trust (trusted: {string.Join(", ", keys.KeyIds.Order(StringComparer.Ordinal))}); configure it as Builder:TrustedKeys:{approval.ApproverKeyId}.");
        }

        if (!SignatureVerifies(key, canonical, approval.Signature))
        {
            return ApprovalVerdict.Refuse(ApprovalRejectionReason.InvalidSignature,
                $"The signature does not verify with key '{approval.ApproverKeyId}': the approval was changed after signing, or signed with another key or form.");
        }

        var actualHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(approval.PolicyYaml)));
        if (!string.Equals(actualHash, approval.PolicySha256, StringComparison.Ordinal))
        {
            return ApprovalVerdict.Refuse(ApprovalRejectionReason.HashMismatch,
                $"The policy's SHA-256 is {actualHash}, but the approval states {approval.PolicySha256}: the policy is not the one that was approved.");
        }

        var result = PolicyValidator.Validate(approval.PolicyYaml);
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

    private static bool SignatureVerifies(ECDsa key, byte[] canonical, string signature)
    {
        var bytes = new byte[signature.Length];
        return Convert.TryFromBase64String(signature, bytes, out var length)
            && key.VerifyData(canonical, bytes.AsSpan(0, length), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }
}
