using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Platform.Bus;
using Bpdp.Rollout.Targets;
using MassTransit;

namespace Bpdp.Rollout.Consumers;

/// <summary>Brings up the new version in the idle color and says where to preview it, or why it could not.</summary>
public sealed class DeployGreenConsumer(RolloutTargets targets, TimeProvider time, ILogger<DeployGreenConsumer> logger) : IConsumer<DeployGreen>
{
    public async Task Consume(ConsumeContext<DeployGreen> context)
    {
        var command = context.Message;
        try
        {
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
}
