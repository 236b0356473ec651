using Bpdp.Contracts;
using Bpdp.Trust.Attestations;
using Bpdp.Trust.Keys;

namespace Bpdp.Trust.Scans;

/// <summary>
/// Checks that a scan verdict is the Scanner's, from its evidence alone: a canonical form, a signature and a key
/// id, a trusted Scanner key, a signature that verifies with it over the verdict (target, image, passed, SBOM,
/// every finding, time), and a key valid now and when it signed. There is no age limit: a verdict replayed for its
/// own deployment and image releases what the Scanner passed, once.
/// </summary>
public sealed class ScanVerdictEvidence(ScannerKeyRing keys, TimeProvider clock)
{
    public ScanVerdictCheck Check(ImageScanned scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var what = $"The scan verdict of {scan.Image} for deployment {scan.DeploymentId}";
        byte[] canonical;
        try
        {
            canonical = ScanVerdictCanonicalForm.ToBytes(scan);
        }
        catch (ArgumentException error)
        {
            return ScanVerdictCheck.Refused(RefusalReason.InvalidSignature, $"{what} cannot be verified: {error.Message}");
        }

        if (string.IsNullOrWhiteSpace(scan.VerdictSignature) || string.IsNullOrWhiteSpace(scan.ScannerKeyId))
        {
            var missing = string.IsNullOrWhiteSpace(scan.VerdictSignature) ? "no signature" : "a signature but no scannerKeyId";
            return ScanVerdictCheck.Refused(RefusalReason.MissingSignature,
                $"{what} carries {missing}; only a verdict signed with a trusted Scanner key is released (contracts/README.md).");
        }

        if (!keys.TryGet(scan.ScannerKeyId, out var key))
        {
            return ScanVerdictCheck.Refused(RefusalReason.InvalidSignature,
                $"{what} is signed with key '{scan.ScannerKeyId}', which is not a trusted Scanner key " +
                $"(trusted: {string.Join(", ", keys.KeyIds.Order(StringComparer.Ordinal))}); configure it as {keys.Section}:{scan.ScannerKeyId}.");
        }

        if (!P256Signature.Verifies(key.PublicKey, canonical, scan.VerdictSignature))
        {
            return ScanVerdictCheck.Refused(RefusalReason.InvalidSignature,
                $"The signature of the scan verdict of {scan.Image} for deployment {scan.DeploymentId} does not verify with Scanner key '{key.KeyId}': " +
                "the verdict was changed after signing, or signed with another key or form.");
        }

        var now = clock.GetUtcNow();
        return key.ValidAt(now) && key.ValidAt(scan.OccurredAt)
            ? ScanVerdictCheck.Verified(key.KeyId)
            : ScanVerdictCheck.Refused(RefusalReason.NotAuthorized,
                $"Scanner key '{key.KeyId}' is valid from {key.DescribeValidity()}; the scan verdict of {scan.Image} was signed at {scan.OccurredAt:O} and checked at {now:O}.");
    }

    /// <summary>
    /// Checks a verdict carried with an image — the exact canonical form the Scanner signed, its signature and key id
    /// (<see cref="SignedForm"/>): the form reads back, the signature and key id are present and the key id is the one
    /// the form names, the key is trusted, the signature verifies over those bytes, and the key was valid when it
    /// signed (not now: a release scanned long ago is still that scan). Whether the verdict passed, and for which
    /// image, is the caller's to compare; the fields come back in <paramref name="form"/> whenever the form can be read.
    /// </summary>
    public ScanVerdictCheck CheckSigned(SignedForm signed, out ScanVerdictForm? form)
    {
        ArgumentNullException.ThrowIfNull(signed);
        form = ScanVerdictForm.Parse(signed.CanonicalForm, out var problem);
        if (form is null)
        {
            return ScanVerdictCheck.Refused(RefusalReason.InvalidSignature, $"The scan verdict's canonical form cannot be read: {problem}.");
        }

        if (string.IsNullOrWhiteSpace(signed.Signature) || string.IsNullOrWhiteSpace(signed.KeyId))
        {
            return ScanVerdictCheck.Refused(RefusalReason.MissingSignature, "The scan verdict carries no signature or no key id.");
        }

        if (signed.KeyId != form.ScannerKeyId)
        {
            return ScanVerdictCheck.Refused(RefusalReason.InvalidSignature, $"The scan verdict's form names key '{form.ScannerKeyId}', but the key id beside it is '{signed.KeyId}'.");
        }

        if (!keys.TryGet(signed.KeyId, out var key))
        {
            return ScanVerdictCheck.Refused(RefusalReason.InvalidSignature,
                $"The scan verdict is signed with key '{signed.KeyId}', which is not a trusted Scanner key " +
                $"(trusted: {string.Join(", ", keys.KeyIds.Order(StringComparer.Ordinal))}); configure it as {keys.Section}:{signed.KeyId}.");
        }

        if (!P256Signature.Verifies(key.PublicKey, signed.CanonicalForm, signed.Signature))
        {
            return ScanVerdictCheck.Refused(RefusalReason.InvalidSignature,
                $"The signature of the scan verdict does not verify with Scanner key '{key.KeyId}': the verdict was changed after signing, or signed with another key.");
        }

        return key.ValidAt(form.OccurredAt)
            ? ScanVerdictCheck.Verified(key.KeyId)
            : ScanVerdictCheck.Refused(RefusalReason.NotAuthorized, $"Scanner key '{key.KeyId}' is valid from {key.DescribeValidity()}; the scan verdict was signed at {form.OccurredAt:O}.");
    }
}
