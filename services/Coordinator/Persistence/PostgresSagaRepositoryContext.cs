using Bpdp.Coordinator.Saga;
using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;

namespace Bpdp.Coordinator.Persistence;

/// <summary>What MassTransit asks of the repository for one message: load, add, save, update.</summary>
internal sealed class PostgresSagaRepositoryContext<TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<DeploymentState, TMessage>
    where TMessage : class
{
    private readonly DeploymentStateDatabase database;
    private readonly ConsumeContext<TMessage> context;
    private readonly ISagaConsumeContextFactory<DeploymentStateDatabase, DeploymentState> factory;

    public PostgresSagaRepositoryContext(DeploymentStateDatabase database, ConsumeContext<TMessage> context, ISagaConsumeContextFactory<DeploymentStateDatabase, DeploymentState> factory)
        : base(context)
    {
        this.database = database;
        this.context = context;
        this.factory = factory;
    }

    public Task<SagaConsumeContext<DeploymentState, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, DeploymentState instance, SagaConsumeContextMode mode)
        where T : class => factory.CreateSagaConsumeContext(database, consumeContext, instance, mode);

    public Task<SagaConsumeContext<DeploymentState, TMessage>> Add(DeploymentState instance) =>
        factory.CreateSagaConsumeContext(database, context, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<DeploymentState, TMessage>> Insert(DeploymentState instance)
    {
        await database.Insert(instance, CancellationToken);
        return await factory.CreateSagaConsumeContext(database, context, instance, SagaConsumeContextMode.Insert);
    }

    public async Task<SagaConsumeContext<DeploymentState, TMessage>> Load(Guid correlationId) =>
        await database.Load(correlationId, CancellationToken) is { } instance
            ? await factory.CreateSagaConsumeContext(database, context, instance, SagaConsumeContextMode.Load)
            : null!;

    public Task Save(SagaConsumeContext<DeploymentState> sagaContext) => database.Insert(sagaContext.Saga, CancellationToken);

    public Task Update(SagaConsumeContext<DeploymentState> sagaContext) => database.Update(sagaContext.Saga, CancellationToken);

    public Task Delete(SagaConsumeContext<DeploymentState> sagaContext) => database.Delete(sagaContext.Saga.CorrelationId, CancellationToken);

    public Task Discard(SagaConsumeContext<DeploymentState> sagaContext) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<DeploymentState> sagaContext) => Task.CompletedTask;
}
