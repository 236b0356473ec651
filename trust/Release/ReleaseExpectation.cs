using Bpdp.Contracts;

namespace Bpdp.Trust.Release;

/// <summary>
/// What a release must have been approved as: the agency, policy and version always; the environment and the
/// deployment when the checker knows them (the Rollout, from <see cref="DeployGreen"/>), else whatever the approval
/// names (an auditor's <c>bpdp verify</c>).
/// </summary>
public sealed record ReleaseExpectation(string Agency, string PolicyName, string PolicyVersion, string? Environment = null, Guid? DeploymentId = null)
{
    public static ReleaseExpectation For(DeployGreen command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return new(command.Target.Agency, command.Target.PolicyName, command.Target.PolicyVersion, command.Target.Environment, command.DeploymentId);
    }

    public override string ToString() =>
        $"{Agency}/{Environment ?? "*"} {PolicyName} {PolicyVersion}{(DeploymentId is { } id ? $" (deployment {id})" : "")}";
}
