namespace Bpdp.Contracts;

/// <summary>Request to the Coordinator: where is this deployment? Answered with <see cref="DeploymentStatus"/>, also when it is unknown.</summary>
/// <param name="DeploymentId">The deployment asked about.</param>
public sealed record GetDeploymentStatus(Guid DeploymentId);
