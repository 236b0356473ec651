using Bpdp.Contracts;
using Bpdp.Platform.Bus;
using Bpdp.Platform.Images;
using Bpdp.Platform.Images.Registry;
using Bpdp.Rollout.Local;
using MassTransit;

namespace Bpdp.Rollout.Consumers;

/// <summary>Brings up the new version in the idle color and says where to preview it, or why it could not.</summary>
public sealed class DeployGreenConsumer(LocalTarget target, TimeProvider time, ILogger<DeployGreenConsumer> logger) : IConsumer<DeployGreen>
{
    public async Task Consume(ConsumeContext<DeployGreen> context)
    {
        var command = context.Message;
        try
        {
            var (color, preview, ready) = await target.DeployGreen(command.Target, command.Image, context.CancellationToken);
            await context.PublishOnce(new GreenReady(command.DeploymentId, time.GetUtcNow(), command.Target, command.Image, color, preview.ToString(), 1, ready), PipelineStage.Rollout);
        }
        catch (Exception error) when (ImageStoreFailure.Is(error, context.CancellationToken)
            || (error is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception && !context.CancellationToken.IsCancellationRequested))
        {
            logger.LogError("Deployment {DeploymentId}: {Image} could not be brought up: {Error}", command.DeploymentId, command.Image, error.Message);
            await context.PublishOnce(new DeploymentFailed(command.DeploymentId, time.GetUtcNow(), command.Target, PipelineStage.Rollout, $"{command.Image} could not be brought up: {error.Message}"),
                PipelineStage.Rollout);
        }
    }
}

/// <summary>Moves live traffic to the new color; the old one stays warm.</summary>
public sealed class CutOverTrafficConsumer(LocalTarget target, TimeProvider time) : IConsumer<CutOverTraffic>
{
    public async Task Consume(ConsumeContext<CutOverTraffic> context)
    {
        var command = context.Message;
        var (live, previous, endpoint, duration) = await target.CutOver(command.Target, command.Color, context.CancellationToken);
        await context.PublishOnce(new TrafficCutOver(command.DeploymentId, time.GetUtcNow(), command.Target, live, previous ?? LocalSlot.Other(live), duration, endpoint.ToString()),
            PipelineStage.Rollout);
    }
}

/// <summary>Moves live traffic back if it had moved, and removes the new color.</summary>
public sealed class RollBackDeploymentConsumer(LocalTarget target, TimeProvider time) : IConsumer<RollBackDeployment>
{
    public async Task Consume(ConsumeContext<RollBackDeployment> context)
    {
        var command = context.Message;
        var (live, duration) = await target.RollBack(command.Target, context.CancellationToken);
        await context.PublishOnce(new RolledBack(command.DeploymentId, time.GetUtcNow(), command.Target, live ?? Color.Blue, command.Reason, duration), PipelineStage.Rollout);
    }
}

/// <summary>Retires the old color after the scale-down delay.</summary>
public sealed class FinalizeDeploymentConsumer(LocalTarget target) : IConsumer<FinalizeDeployment>
{
    public Task Consume(ConsumeContext<FinalizeDeployment> context) => target.Finalize(context.Message.Target, context.CancellationToken);
}
