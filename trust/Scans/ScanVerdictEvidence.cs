using Bpdp.Contracts;
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
}
