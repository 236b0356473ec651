namespace Bpdp.Contracts;

/// <summary>
/// What is being deployed and where: carried by every forward-path event so no stage has to ask another.
/// </summary>
/// <param name="Agency">The agency that owns the policy and the rollout target, e.g. <c>osha</c>.</param>
/// <param name="Environment">The agency's environment, e.g. <c>staging</c> or <c>production</c>.</param>
/// <param name="PolicyName">The policy module's name (a DNS label), e.g. <c>haz-fast</c>.</param>
/// <param name="PolicyVersion">The policy module's SemVer version, e.g. <c>1.1.0</c>.</param>
public sealed record DeploymentTarget(string Agency, string Environment, string PolicyName, string PolicyVersion);
