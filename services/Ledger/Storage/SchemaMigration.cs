using Bpdp.Platform.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bpdp.Ledger.Storage;

/// <summary>Applies the schema with the owner's connection before anything starts consuming, when one is configured.</summary>
internal sealed class SchemaMigration(IOptions<LedgerOptions> options) : StartupTask
{
    protected override async Task Run(CancellationToken cancel)
    {
        if (options.Value.MigrationConnectionString is not { Length: > 0 } owner)
        {
            return;
        }

        await using var dataSource = NpgsqlDataSource.Create(owner);
        await LedgerSchema.Apply(dataSource, options.Value.Schema, options.Value.Role, cancel);
    }
}
