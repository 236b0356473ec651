namespace Bpdp.Contracts;

/// <summary>The Scanner scanned the quarantined image. Published by the Scanner; the Publisher acts only when it passed.</summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When the scan finished.</param>
/// <param name="Target">What is being deployed and where.</param>
/// <param name="Image">The scanned image, by digest, still in quarantine.</param>
/// <param name="Passed">True when no finding reached the blocking severity.</param>
/// <param name="Findings">Every finding, redacted; blocking or not.</param>
/// <param name="SbomDigest">The digest of the CycloneDX SBOM the Scanner stored beside the image.</param>
/// <param name="ScannerKeyId">The Scanner key that signed the verdict; the Publisher finds its public half by this id.</param>
/// <param name="VerdictSignature">ECDSA P-256 / SHA-256 over <see cref="ScanVerdictCanonicalForm"/>, DER, base64.</param>
public sealed record ImageScanned(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    ImageReference Image,
    bool Passed,
    IReadOnlyList<ScanFinding> Findings,
    string? SbomDigest = null,
    string? ScannerKeyId = null,
    string? VerdictSignature = null) : IPipelineMessage;
