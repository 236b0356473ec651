using MassTransit;
using Microsoft.Extensions.Options;

namespace Bpdp.Platform.Bus;

/// <summary>Puts a stage's consumer on the queue its validated options name, so a queue is configured in one place and checked at start.</summary>
public sealed class StageConsumerDefinition<TConsumer, TOptions> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
    where TOptions : class, IStageOptions
{
    public StageConsumerDefinition(IOptions<TOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        EndpointName = options.Value.Queue;
    }
}
