namespace Bpdp.Contracts;

/// <summary>The new version is live and the old one retired. Published by the Coordinator; terminal.</summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When the deployment completed.</param>
/// <param name="Target">What was deployed and where.</param>
/// <param name="Image">The live image.</param>
/// <param name="LiveColor">The color now serving.</param>
public sealed record DeploymentCompleted(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    ImageReference Image,
    Color LiveColor) : IPipelineMessage;
