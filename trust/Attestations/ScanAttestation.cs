namespace Bpdp.Trust.Attestations;

/// <summary>
/// The Scanner's signed verdict as an attestation of the released image: an in-toto Statement about the image whose
/// predicate is the verdict's <see cref="SignedForm"/> (its canonical form, the Scanner's signature, its key id),
/// so that the Rollout and an auditor can check that the Scanner passed exactly this image. The Publisher, which
/// verified the verdict before releasing, signs the statement in a DSSE envelope beside the provenance.
/// </summary>
public static class ScanAttestation
{
    public const string PredicateType = "https://bpdp.io/attestations/scan-verdict/v1";

    /// <summary>The statement about <paramref name="digest"/> (released as <paramref name="releasedAs"/>).</summary>
    public static byte[] Statement(string releasedAs, string digest, SignedForm verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return InTotoStatement.Create(releasedAs, digest, PredicateType, verdict.ToJson());
    }
}
