using System.Text.Json.Nodes;
using Bpdp.Contracts;

namespace Bpdp.Trust.Attestations;

/// <summary>
/// A signed canonical form as an attestation carries it, so that anyone can re-run the signer's check from the
/// image alone: the exact bytes that were signed, the signature over them (ECDSA P-256 / SHA-256, DER, base64) and
/// the id of the key that made it. In JSON: <c>{"canonicalForm": base64 of the bytes, "signature": …, "keyId": …}</c>;
/// the bytes travel as base64 so that not one of them can change on the way.
/// </summary>
public sealed record SignedForm(byte[] CanonicalForm, string Signature, string KeyId)
{
    /// <summary>The approval as the Builder verified it: its canonical form, its signature, its key.</summary>
    public static SignedForm Of(ArtifactApproved approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        return new(ApprovalCanonicalForm.ToBytes(approval), approval.Signature, approval.ApproverKeyId);
    }

    /// <summary>The scan verdict as the Publisher verified it.</summary>
    public static SignedForm Of(ImageScanned scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        return new(ScanVerdictCanonicalForm.ToBytes(scan), scan.VerdictSignature ?? "", scan.ScannerKeyId ?? "");
    }

    public JsonObject ToJson() => new()
    {
        ["canonicalForm"] = Convert.ToBase64String(CanonicalForm),
        ["signature"] = Signature,
        ["keyId"] = KeyId,
    };

    /// <summary>The signed form in <paramref name="node"/>; null when it lacks a field, or its canonical form is not base64.</summary>
    public static SignedForm? FromJson(JsonNode? node)
    {
        if (Json.Text(Json.Member(node, "canonicalForm")) is not { } encoded
            || Json.Text(Json.Member(node, "signature")) is not { } signature
            || Json.Text(Json.Member(node, "keyId")) is not { } keyId)
        {
            return null;
        }

        var bytes = new byte[encoded.Length];
        return Convert.TryFromBase64String(encoded, bytes, out var length) ? new SignedForm(bytes[..length], signature, keyId) : null;
    }
}
