using Bpdp.Platform.Bus.Identity;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Bpdp.Rollout.Consumers;

/// <summary>On the Rollout's queue, with the exchange operators' tools send <c>GetServing</c> to bound to it (<see cref="StageQueues.ServingExchange"/>).</summary>
public sealed class GetServingConsumerDefinition : ConsumerDefinition<GetServingConsumer>
{
    private readonly string queue;

    public GetServingConsumerDefinition(IOptions<RolloutOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        queue = options.Value.Queue;
        EndpointName = queue;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<GetServingConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.Bind(StageQueues.ServingExchange(queue));
        }
    }
}
