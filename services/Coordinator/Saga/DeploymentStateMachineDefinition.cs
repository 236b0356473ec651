using Bpdp.Platform.Bus.Identity;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Bpdp.Coordinator.Saga;

/// <summary>
/// The saga's endpoint: the <c>Coordinator:Queue</c> queue (<c>coordinator</c>) and retries for optimistic-concurrency conflicts.
/// No in-memory outbox: it would publish after the state is saved, and a crash in between would lose
/// the message; publishing first with stable ids (see DeploymentStateMachine.Once) loses nothing.
/// </summary>
public sealed class DeploymentStateMachineDefinition : SagaDefinition<DeploymentState>
{
    private readonly string queue;

    public DeploymentStateMachineDefinition(IOptions<CoordinatorOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        queue = options.Value.Queue;
        EndpointName = queue;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<DeploymentState> sagaConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(20, 50, 100, 200, 500, 1000));
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.Bind(StageQueues.StatusExchange(queue));
        }
    }
}
