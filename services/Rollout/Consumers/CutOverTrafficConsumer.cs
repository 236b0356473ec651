using Bpdp.Contracts;
using Bpdp.Platform.Bus;
using Bpdp.Rollout.Targets;
using MassTransit;

namespace Bpdp.Rollout.Consumers;

/// <summary>Moves live traffic to the new color; the old one stays warm.</summary>
public sealed class CutOverTrafficConsumer(RolloutTargets targets, TimeProvider time) : IConsumer<CutOverTraffic>
{
    public async Task Consume(ConsumeContext<CutOverTraffic> context)
    {
        var command = context.Message;
        var moved = await targets.For(command.Target).CutOver(command, context.CancellationToken);
        await context.PublishOnce(
            new TrafficCutOver(command.DeploymentId, time.GetUtcNow(), command.Target, moved.Live, moved.Previous, moved.SwitchDuration, moved.LiveEndpoint.ToString()),
            PipelineStage.Rollout);
    }
}
