using Microsoft.Extensions.Options;
using Npgsql;

namespace Bpdp.Coordinator.Persistence;

/// <summary>Creates the saga table, if missing, before any message is consumed.</summary>
internal sealed class DeploymentTableCreation(NpgsqlDataSource dataSource, IOptions<CoordinatorOptions> options) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => DeploymentStateTable.Create(dataSource, options.Value.Schema, cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
