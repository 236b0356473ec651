namespace Bpdp.Contracts;

/// <summary>Request to the Rollout: what serves this deployment's policy on its target right now? Answered with <see cref="ServingNow"/>.</summary>
/// <param name="DeploymentId">The deployment whose target is asked about.</param>
/// <param name="Target">Its agency, environment and policy.</param>
public sealed record GetServing(Guid DeploymentId, DeploymentTarget Target);
