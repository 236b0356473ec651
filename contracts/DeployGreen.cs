namespace Bpdp.Contracts;

/// <summary>
/// Command to Rollout: bring the published image up as the new color beside the live one. Sent by the
/// Coordinator after <see cref="ImagePublished"/> once the target is free, because every step that
/// touches production is commanded, never choreographed: one deployment at a time per target.
/// </summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When the command was issued.</param>
/// <param name="Target">What is being deployed and where.</param>
/// <param name="Image">The released image, by digest.</param>
public sealed record DeployGreen(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    ImageReference Image) : IPipelineMessage;
