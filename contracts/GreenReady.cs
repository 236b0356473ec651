namespace Bpdp.Contracts;

/// <summary>
/// The new color ("green", whichever slot it is) is up and ready beside the live one, receiving no
/// user traffic yet. Published by Rollout; starts the pre-promotion KPI gate.
/// </summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When the new color became ready.</param>
/// <param name="Target">What is being deployed and where.</param>
/// <param name="Image">The image the new color runs.</param>
/// <param name="Color">The slot that holds the new version.</param>
/// <param name="PreviewEndpoint">Base URL that reaches only the new color, for smoke traffic.</param>
/// <param name="ReadyReplicas">How many replicas of the new color are ready.</param>
/// <param name="TimeToReady">From the rollout command to the last replica ready.</param>
public sealed record GreenReady(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    ImageReference Image,
    Color Color,
    string PreviewEndpoint,
    int ReadyReplicas,
    TimeSpan TimeToReady) : IPipelineMessage;
