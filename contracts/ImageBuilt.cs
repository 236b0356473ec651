namespace Bpdp.Contracts;

/// <summary>The Builder built the image into the quarantine repository. Nothing is tagged for release yet.</summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When the build finished.</param>
/// <param name="Target">What is being deployed and where.</param>
/// <param name="Image">The unscanned image, by digest, in the quarantine repository.</param>
/// <param name="SizeBytes">The sum of the manifest, config and layer sizes.</param>
/// <param name="LayerDigests">The layer digests, base first, policy last.</param>
/// <param name="BuildDuration">How long the build took.</param>
public sealed record ImageBuilt(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    ImageReference Image,
    long SizeBytes,
    IReadOnlyList<string> LayerDigests,
    TimeSpan BuildDuration) : IPipelineMessage;
