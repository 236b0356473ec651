namespace Bpdp.Contracts;

/// <summary>The Publisher promoted the scanned image to the release repository, tagged and signed it.</summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When the image was published.</param>
/// <param name="Target">What is being deployed and where.</param>
/// <param name="Image">The released image, by digest, in <c>&lt;registry&gt;/&lt;agency&gt;/&lt;policy&gt;</c>.</param>
/// <param name="Tag">The immutable version tag now pointing at the digest.</param>
/// <param name="SignatureReference">Where the cosign-format signature is stored.</param>
/// <param name="SbomReference">Where the attached SBOM is stored, if any.</param>
/// <param name="ProvenanceReference">Where the attached SLSA provenance is stored, if any.</param>
public sealed record ImagePublished(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    ImageReference Image,
    string Tag,
    string SignatureReference,
    string? SbomReference = null,
    string? ProvenanceReference = null) : IPipelineMessage;
