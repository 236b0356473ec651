using Microsoft.Extensions.Options;
using Npgsql;

namespace Bpdp.Ledger.Storage;

/// <summary>Applies the schema with the owner's connection before anything starts consuming, when one is configured.</summary>
internal sealed class SchemaMigration(IOptions<LedgerOptions> options) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MigrationConnectionString is not { Length: > 0 } owner)
        {
            return;
        }

        await using var dataSource = NpgsqlDataSource.Create(owner);
        await LedgerSchema.Apply(dataSource, options.Value.Schema, options.Value.Role, cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
