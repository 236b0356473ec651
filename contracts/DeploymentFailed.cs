namespace Bpdp.Contracts;

/// <summary>
/// A stage could not do its work (registry down after retries, a refused re-tag, a rollout past its
/// progress deadline). Published by the stage that failed, and by the Coordinator as the terminal event.
/// </summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When the failure was declared.</param>
/// <param name="Target">What was being deployed and where.</param>
/// <param name="Stage">The stage that failed.</param>
/// <param name="Reason">What went wrong, specifically, and what to check.</param>
public sealed record DeploymentFailed(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    DeploymentTarget Target,
    PipelineStage Stage,
    string Reason) : IPipelineMessage;
