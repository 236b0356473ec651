using Bpdp.Coordinator.Deadlines;
using Bpdp.Coordinator.Persistence;
using Bpdp.Coordinator.Saga;
using Bpdp.Coordinator.TargetLocks;
using Bpdp.Trust.Approvals;
using Bpdp.Trust.Operators;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bpdp.Coordinator;

/// <summary>Registers the Coordinator: the deployment saga on the <c>coordinator</c> queue and the deadline sweeper.</summary>
public static class CoordinatorStage
{
    /// <summary>The service key of the Coordinator's own <see cref="ApprovalEvidence"/>: in one process with the Builder, each verifies with its own keys.</summary>
    public const string ApprovalEvidenceKey = "Coordinator";

    private const string ApprovalKeysSection = $"{CoordinatorOptions.Section}:{nameof(CoordinatorOptions.TrustedKeys)}";
    private const string OperatorKeysSection = $"{CoordinatorOptions.Section}:{nameof(CoordinatorOptions.OperatorKeys)}";

    /// <param name="bus">The bus being configured.</param>
    /// <param name="configuration">The host's configuration: <c>Coordinator:Store</c> decides the saga repository while the bus is registered, before any options exist.</param>
    public static IBusRegistrationConfigurator AddCoordinatorStage(this IBusRegistrationConfigurator bus, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(configuration);
        var store = configuration.GetSection(CoordinatorOptions.Section).GetValue(nameof(CoordinatorOptions.Store), SagaStoreKind.InMemory);
        bus.AddOptions<CoordinatorOptions>().BindConfiguration(CoordinatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        bus.TryAddSingleton(TimeProvider.System);
        bus.AddKeyedSingleton(ApprovalEvidenceKey, (provider, _) => ApprovalKeyRing.Load(ApprovalKeysSection, Options(provider).TrustedKeys));
        bus.AddKeyedSingleton(ApprovalEvidenceKey, (provider, key) => new ApprovalEvidence(provider.GetRequiredKeyedService<ApprovalKeyRing>(key),
            provider.GetRequiredService<TimeProvider>(), TimeSpan.FromHours(Options(provider).MaxApprovalAgeHours), ApprovalKeysSection));
        bus.AddSingleton(provider => OperatorKeyRing.Load(OperatorKeysSection, Options(provider).OperatorKeys));
        bus.AddSingleton(provider => new OperatorCommandEvidence(provider.GetRequiredService<OperatorKeyRing>(), provider.GetRequiredService<TimeProvider>(),
            TimeSpan.FromMinutes(Options(provider).MaxOperatorCommandAgeMinutes), OperatorKeysSection));
        var saga = bus.AddSagaStateMachine<DeploymentStateMachine, DeploymentState, DeploymentStateMachineDefinition>();
        if (store == SagaStoreKind.Postgres)
        {
            bus.AddSingleton(provider => NpgsqlDataSource.Create(provider.GetRequiredService<IOptions<CoordinatorOptions>>().Value.ConnectionString!));
            bus.AddHostedService<DeploymentTableCreation>();
            saga.Repository(repository => repository.RegisterSagaRepository<DeploymentState, DeploymentStateDatabase,
                SagaConsumeContextFactory<DeploymentStateDatabase, DeploymentState>, PostgresSagaRepositoryContextFactory>());
            bus.AddSingleton<IDeadlineSource, PostgresDeadlineSource>();
            bus.AddSingleton<ITargetLocks, PostgresTargetLocks>();
        }
        else
        {
            saga.InMemoryRepository();
            bus.AddHostedService<InMemoryStoreGuard>();
            bus.AddSingleton<IDeadlineSource, InMemoryDeadlineSource>();
            bus.AddSingleton<ITargetLocks, InMemoryTargetLocks>();
        }

        bus.AddSingleton<DeadlineSweeper>();
        bus.AddHostedService(provider => provider.GetRequiredService<DeadlineSweeper>());
        return bus;
    }

    private static CoordinatorOptions Options(IServiceProvider provider) => provider.GetRequiredService<IOptions<CoordinatorOptions>>().Value;
}
