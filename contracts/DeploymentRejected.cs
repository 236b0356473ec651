namespace Bpdp.Contracts;

/// <summary>The deployment ended before any rollout: its approval or its scan was refused. Published by the Coordinator; terminal.</summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When it was rejected.</param>
/// <param name="Target">What was to be deployed and where.</param>
/// <param name="Stage">The stage that refused it.</param>
/// <param name="Reason">Why, specifically.</param>
public sealed record DeploymentRejected(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    PipelineStage Stage,
    string Reason) : IPipelineMessage;
