using System.Security.Cryptography;
using System.Text;
using Bpdp.Contracts;
using Bpdp.Trust.Attestations;
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

        var signed = Signed(approval.ApproverKeyId, canonical, approval.Signature, approval.Agency, approval.Environment, out var key);
        if (!signed.IsAccepted)
        {
            return signed;
        }

        var now = clock.GetUtcNow();
        if (!key!.ValidAt(now) || !key.ValidAt(approval.ApprovedAt))
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

    /// <summary>
    /// Checks an approval carried with an image — the exact canonical form that was signed, its signature and key id
    /// (<see cref="SignedForm"/>) — as <see cref="Check"/> does, but neither its age nor the policy's hash: an image
    /// approved long ago is still that approval (a rollback deploys it again), and the caller compares the signed hash
    /// with the image's own. The form must read back exactly, the key it names must be trusted, its signature verify
    /// over those bytes, the key cover the agency and environment and have been valid when it signed. Validity now is
    /// not asked for the same reason as age: to stop trusting a key for releases already approved, remove it.
    /// The approval's fields come back in <paramref name="form"/> whenever its form can be read.
    /// </summary>
    public ApprovalCheck CheckSigned(SignedForm signed, out ApprovalForm? form)
    {
        ArgumentNullException.ThrowIfNull(signed);
        form = ApprovalForm.Parse(signed.CanonicalForm, out var problem);
        if (form is null)
        {
            return ApprovalCheck.Refused(ApprovalRejectionReason.MalformedApproval, $"The approval's canonical form cannot be read: {problem}.");
        }

        if (string.IsNullOrWhiteSpace(signed.Signature))
        {
            return ApprovalCheck.Refused(ApprovalRejectionReason.MissingSignature, "The approval carries no signature.");
        }

        if (signed.KeyId != form.ApproverKeyId)
        {
            return ApprovalCheck.Refused(ApprovalRejectionReason.MalformedApproval,
                $"The approval's form names key '{form.ApproverKeyId}', but the key id beside it is '{signed.KeyId}'.");
        }

        var check = Signed(form.ApproverKeyId, signed.CanonicalForm, signed.Signature, form.Agency, form.Environment, out var key);
        if (!check.IsAccepted)
        {
            return check;
        }

        return key!.ValidAt(form.ApprovedAt)
            ? ApprovalCheck.Accepted
            : ApprovalCheck.Refused(ApprovalRejectionReason.KeyNotValid, $"Key '{key.KeyId}' is valid from {key.DescribeValidity()}; the approval was signed at {form.ApprovedAt:O}.");
    }

    /// <summary>The signature's part of every approval check: a trusted key, a signature that verifies with it over the exact bytes, a scope that covers the target.</summary>
    private ApprovalCheck Signed(string keyId, byte[] canonical, string signature, string agency, string environment, out ApprovalKey? key)
    {
        if (!keys.TryGet(keyId, out var trusted))
        {
            key = null;
            return ApprovalCheck.Refused(ApprovalRejectionReason.UnknownKey,
                $"The approval is signed with key '{keyId}', which is not trusted here " +
                $"(trusted: {string.Join(", ", keys.KeyIds.Order(StringComparer.Ordinal))}); configure it as {trustedKeysSection}:{keyId}.");
        }

        key = trusted;
        if (!P256Signature.Verifies(trusted.PublicKey, canonical, signature))
        {
            return ApprovalCheck.Refused(ApprovalRejectionReason.InvalidSignature,
                $"The signature does not verify with key '{keyId}': the approval was changed after signing, or signed with another key or form.");
        }

        return trusted.Covers(agency, environment)
            ? ApprovalCheck.Accepted
            : ApprovalCheck.Refused(ApprovalRejectionReason.KeyNotAuthorized,
                $"Key '{trusted.KeyId}' may approve only for {trusted.DescribeScope()}, not for agency '{agency}', environment '{environment}'.");
    }

    private static string Describe(TimeSpan span) => span.TotalHours >= 1 ? $"{span.TotalHours:F1} h" : $"{span.TotalMinutes:F0} min";
}
