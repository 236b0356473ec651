using Bpdp.Contracts;
using Bpdp.Platform.Bus;
using Bpdp.Rollout.Targets;
using MassTransit;

namespace Bpdp.Rollout.Consumers;

/// <summary>Moves live traffic back if it had moved, and removes the new color.</summary>
public sealed class RollBackDeploymentConsumer(RolloutTargets targets, TimeProvider time) : IConsumer<RollBackDeployment>
{
    public async Task Consume(ConsumeContext<RollBackDeployment> context)
    {
        var command = context.Message;
        var back = await targets.For(command.Target).RollBack(command, context.CancellationToken);
        await context.PublishOnce(new RolledBack(command.DeploymentId, time.GetUtcNow(), command.Target, back.Live ?? Color.Blue, command.Reason, back.SwitchDuration), PipelineStage.Rollout);
    }
}
