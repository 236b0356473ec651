using MassTransit;

namespace Bpdp.Coordinator;

/// <summary>
/// The saga's endpoint: the <c>coordinator</c> queue and retries for optimistic-concurrency conflicts.
/// No in-memory outbox: it would publish after the state is saved, and a crash in between would lose
/// the message; publishing first with stable ids (see DeploymentStateMachine.Once) loses nothing.
/// </summary>
public sealed class DeploymentStateMachineDefinition : SagaDefinition<DeploymentState>
{
    public DeploymentStateMachineDefinition() => EndpointName = CoordinatorStage.Queue;

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<DeploymentState> sagaConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(20, 50, 100, 200, 500, 1000));
    }
}
