using Bpdp.Contracts;
using Bpdp.Rollout.Targets;
using MassTransit;

namespace Bpdp.Rollout.Consumers;

/// <summary>Retires the old color after the scale-down delay.</summary>
public sealed class FinalizeDeploymentConsumer(RolloutTargets targets) : IConsumer<FinalizeDeployment>
{
    public Task Consume(ConsumeContext<FinalizeDeployment> context) => targets.For(context.Message.Target).Finalize(context.Message, context.CancellationToken);
}
