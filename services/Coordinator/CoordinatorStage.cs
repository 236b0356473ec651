using Bpdp.Coordinator.Deadlines;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bpdp.Coordinator;

/// <summary>Registers the Coordinator: the deployment saga on the <c>coordinator</c> queue and the deadline sweeper.</summary>
public static class CoordinatorStage
{
    public const string Queue = "coordinator";

    public static IBusRegistrationConfigurator AddCoordinatorStage(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddOptions<CoordinatorOptions>().BindConfiguration(CoordinatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        bus.TryAddSingleton(TimeProvider.System);
        bus.AddSagaStateMachine<DeploymentStateMachine, DeploymentState, DeploymentStateMachineDefinition>().InMemoryRepository();
        bus.AddSingleton<IDeadlineSource, InMemoryDeadlineSource>();
        bus.AddSingleton<DeadlineSweeper>();
        bus.AddHostedService(provider => provider.GetRequiredService<DeadlineSweeper>());
        return bus;
    }
}
