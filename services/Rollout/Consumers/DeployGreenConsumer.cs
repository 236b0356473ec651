using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Platform.Bus;
using Bpdp.Platform.Security;
using Bpdp.Rollout.Release;
using Bpdp.Rollout.Targets;
using MassTransit;

namespace Bpdp.Rollout.Consumers;

/// <summary>
/// Brings up the new version in the idle color and says where to preview it, or why it could not. No target is
/// asked anything until the image shows it is a release approved for exactly this deployment (<see cref="ReleaseGate"/>);
/// one that does not is refused and the deployment fails naming the check.
/// </summary>
public sealed class DeployGreenConsumer(RolloutTargets targets, ReleaseGate gate, TimeProvider time, ILogger<DeployGreenConsumer> logger) : IConsumer<DeployGreen>
{
    public async Task Consume(ConsumeContext<DeployGreen> context)
    {
        var command = context.Message;
        try
        {
            var release = await gate.Check(command, targets.EntryFor(command.Target), context.CancellationToken);
            if (release.Refusal is { } refusal)
            {
                await Refuse(context, refusal, release.Detail);
                return;
            }

            var green = await targets.For(command.Target).DeployGreen(command, context.CancellationToken);
            await context.PublishOnce(
                new GreenReady(command.DeploymentId, time.GetUtcNow(), command.Target, command.Image, green.Color, green.PreviewEndpoint.ToString(), green.ReadyReplicas, green.TimeToReady),
                PipelineStage.Rollout);
        }
        catch (Exception error) when (ImageStoreFailure.Is(error, context.CancellationToken)
            || (error is RolloutTargetException or System.ComponentModel.Win32Exception && !context.CancellationToken.IsCancellationRequested))
        {
            logger.LogError("Deployment {DeploymentId}: {Image} could not be brought up: {Error}", command.DeploymentId, command.Image, error.Message);
            await context.PublishOnce(new DeploymentFailed(command.DeploymentId, time.GetUtcNow(), command.Target, PipelineStage.Rollout, $"{command.Image} could not be brought up: {error.Message}"),
                PipelineStage.Rollout);
        }
    }

    private async Task Refuse(ConsumeContext<DeployGreen> context, RefusalReason reason, string detail)
    {
        var command = context.Message;
        await context.Refuse(logger, new MessageRefused(command.DeploymentId, time.GetUtcNow(), PipelineStage.Rollout, nameof(DeployGreen), reason, detail), command.Image.Digest);
        await context.PublishOnce(new DeploymentFailed(command.DeploymentId, time.GetUtcNow(), command.Target, PipelineStage.Rollout, $"{command.Image} was not deployed: {detail}"),
            PipelineStage.Rollout);
    }
}
