using Bpdp.Contracts;
using Bpdp.Rollout.Targets;
using MassTransit;

namespace Bpdp.Rollout.Consumers;

/// <summary>
/// Answers what serves a deployment's policy, read from its target; a target that cannot be read, for whatever reason, is
/// answered as such (never as serving nothing, never by retrying: the asker is waiting). Asking starts nothing.
/// </summary>
public sealed class GetServingConsumer(RolloutTargets targets, ILogger<GetServingConsumer> logger) : IConsumer<GetServing>
{
    public async Task Consume(ConsumeContext<GetServing> context)
    {
        var target = context.Message.Target;
        ServingNow answer;
        try
        {
            answer = await targets.For(target).Serving(target, context.CancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("What serves {Agency}/{Environment}/{Policy} could not be read: {Error}", target.Agency, target.Environment, target.PolicyName, error.Message);
            answer = new ServingNow(target, Reported: false, Error: error.Message);
        }

        await context.RespondAsync(answer);
    }
}
