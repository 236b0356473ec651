namespace Bpdp.Contracts;

/// <summary>A stage did not report before its deadline. Published by the Coordinator's deadline sweeper.</summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="OccurredAt">When the timeout was noticed.</param>
/// <param name="Stage">The stage that did not answer.</param>
/// <param name="Deadline">When its answer was due.</param>
public sealed record StageTimedOut(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    PipelineStage Stage,
    DateTimeOffset Deadline) : IPipelineMessage;
