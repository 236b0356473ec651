using MassTransit;
using Microsoft.Extensions.Options;

namespace Bpdp.WebConsole.Consumers;

/// <summary>
/// Puts a consumer on <c>Console:Queue</c>. The console only watches: a message it cannot read publishes no fault, so
/// the stages that act on faults never hear from it (and its broker user may not publish any).
/// </summary>
public sealed class ConsoleConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    public ConsoleConsumerDefinition(IOptions<ConsoleOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        EndpointName = options.Value.Queue;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.PublishFaults = false;
    }
}
