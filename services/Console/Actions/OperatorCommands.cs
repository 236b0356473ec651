using System.Security.Claims;
using System.Security.Cryptography;
using Bpdp.Contracts;
using Bpdp.WebConsole.Auth;
using Bpdp.WebConsole.Board;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Bpdp.WebConsole.Actions;

/// <summary>
/// Aborts and promotions from the console: only for an operator of the deployment's agency, signed with the console's
/// operator key and naming the operator, so the Coordinator verifies them as any signed command and the ledger records
/// who asked. A refusal says why and sends nothing.
/// </summary>
/// <remarks>A singleton: it publishes on the bus itself (<see cref="IBus"/>), never on a scope's publish endpoint.</remarks>
public sealed class OperatorCommands(IOptions<ConsoleOptions> options, DeploymentBoard board, IPublishEndpoint bus, TimeProvider time, ILogger<OperatorCommands> logger)
{
    public const int MaxReasonLength = 500;

    public async Task<CommandOutcome> Abort(ClaimsPrincipal user, Guid deploymentId, string? reason, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength)
        {
            return CommandOutcome.Refused(400, $"an abort needs a reason of 1 to {MaxReasonLength} characters");
        }

        var (key, refusal) = Check(user, deploymentId, "abort");
        if (refusal is not null)
        {
            return refusal;
        }

        using (key)
        {
            var command = OperatorCommandCanonicalForm.Sign(
                new AbortDeployment(deploymentId, time.GetUtcNow(), user.Identity!.Name!, reason.Trim(), options.Value.OperatorKeyId), key!);
            await bus.Publish(command, cancel);
        }

        logger.LogInformation("{User} aborted deployment {DeploymentId} from the console", user.Identity!.Name, deploymentId);
        return CommandOutcome.Sent($"abort of {deploymentId} sent, signed with key {options.Value.OperatorKeyId} for {user.Identity!.Name}");
    }

    public async Task<CommandOutcome> Promote(ClaimsPrincipal user, Guid deploymentId, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(user);
        var (key, refusal) = Check(user, deploymentId, "promote");
        if (refusal is not null)
        {
            return refusal;
        }

        using (key)
        {
            var command = OperatorCommandCanonicalForm.Sign(new PromoteDeployment(deploymentId, time.GetUtcNow(), user.Identity!.Name!, options.Value.OperatorKeyId), key!);
            await bus.Publish(command, cancel);
        }

        logger.LogInformation("{User} promoted deployment {DeploymentId} from the console", user.Identity!.Name, deploymentId);
        return CommandOutcome.Sent($"promotion of {deploymentId} sent, signed with key {options.Value.OperatorKeyId} for {user.Identity!.Name}");
    }

    private (ECDsa? Key, CommandOutcome? Refusal) Check(ClaimsPrincipal user, Guid deploymentId, string action)
    {
        if (board.Detail(deploymentId) is not { } deployment)
        {
            return (null, CommandOutcome.Refused(404, $"no deployment {deploymentId} is known to the console"));
        }

        // The agency must come from a message whose sender was checked: what the ledger replayed at start is not evidence.
        if (!deployment.TargetVerified || !ConsoleClaims.MayAct(user, deployment.Summary.Agency))
        {
            logger.LogWarning("{User} ({Role}) may not {Action} deployment {DeploymentId} of {Agency}", user.Identity?.Name, ConsoleClaims.RoleOf(user), action,
                deploymentId, deployment.Summary.Agency);
            return (null, CommandOutcome.Refused(403, !deployment.TargetVerified && ConsoleClaims.MayAct(user, deployment.Summary.Agency)
                ? $"the agency of deployment {deploymentId} is known only from the ledger's replay, not yet from a checked sender: use bpdp {action}, or wait for its next event"
                : $"{user.Identity?.Name} may not {action} deployments of {deployment.Summary.Agency ?? "an unknown agency"}: "
                    + (ConsoleClaims.RoleOf(user) == ConsoleRole.Viewer ? "a viewer only reads" : "not an operator of that agency")));
        }

        if (deployment.Summary.Outcome is { } outcome)
        {
            return (null, CommandOutcome.Refused(409, $"deployment {deploymentId} has ended ({outcome}); there is nothing to {action}"));
        }

        if (options.Value.OperatorKeyFile is not { } file || options.Value.OperatorKeyId is null)
        {
            return (null, CommandOutcome.Refused(503, "the console has no operator key (Console:OperatorKeyFile, Console:OperatorKeyId): it is read-only"));
        }

        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(file));
        return (key, null);
    }
}

/// <summary>What became of an action: sent, or refused with an HTTP status and the reason.</summary>
public sealed record CommandOutcome(int Status, string Message)
{
    public static CommandOutcome Sent(string message) => new(202, message);

    public static CommandOutcome Refused(int status, string message) => new(status, message);
}
