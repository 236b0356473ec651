using MassTransit;

namespace Bpdp.Coordinator;

/// <summary>
/// The saga's endpoint: the <c>coordinator</c> queue, retries for optimistic-concurrency conflicts, and an
/// in-memory outbox so a transition's commands and terminal event go out only once its state is saved.
/// </summary>
public sealed class DeploymentStateMachineDefinition : SagaDefinition<DeploymentState>
{
    public DeploymentStateMachineDefinition() => EndpointName = CoordinatorStage.Queue;

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<DeploymentState> sagaConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(20, 50, 100, 200, 500, 1000));
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
