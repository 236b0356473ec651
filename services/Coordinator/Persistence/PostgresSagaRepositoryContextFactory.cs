using Bpdp.Coordinator.Saga;
using MassTransit;
using MassTransit.Saga;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bpdp.Coordinator.Persistence;

/// <summary>
/// MassTransit's saga repository over Npgsql (MassTransit.EntityFrameworkCore is not available here):
/// each message gets its own transaction; deployments are found by id only.
/// </summary>
public sealed class PostgresSagaRepositoryContextFactory(
    NpgsqlDataSource dataSource,
    IOptions<CoordinatorOptions> options,
    ISagaConsumeContextFactory<DeploymentStateDatabase, DeploymentState> factory) : ISagaRepositoryContextFactory<DeploymentState>
{
    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<DeploymentState, T>> next)
        where T : class
    {
        await using var database = await DeploymentStateDatabase.Open(dataSource, options.Value.Schema, context.CancellationToken);
        var repositoryContext = new PostgresSagaRepositoryContext<T>(database, context, factory);
        await next.Send(repositoryContext);
        await database.Commit(context.CancellationToken);
    }

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<DeploymentState> query, IPipe<SagaRepositoryQueryContext<DeploymentState, T>> next)
        where T : class =>
        throw new NotSupportedException($"Deployments are correlated by id; {typeof(T).Name} asked for a query, which the PostgreSQL saga repository does not support.");

    public void Probe(ProbeContext context) => context.Add("persistence", "postgresql");
}
