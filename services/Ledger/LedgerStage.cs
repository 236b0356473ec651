using Bpdp.Ledger.Checkpoints;
using Bpdp.Ledger.Consumers;
using Bpdp.Ledger.Storage;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bpdp.Ledger;

/// <summary>Registers the ledger stage: its batch consumer on the <c>Ledger:Queue</c> queue (<c>ledger</c>), the PostgreSQL store and the checkpoint signer.</summary>
public static class LedgerStage
{
    public static IBusRegistrationConfigurator AddLedgerStage(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddOptions<LedgerOptions>().BindConfiguration(LedgerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        bus.AddSingleton<ILedgerStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<LedgerOptions>>().Value;
            return options.Store == LedgerStoreKind.Sqlite
                ? SqliteLedger.Open(options.SqlitePath!)
                : new PostgresLedger(NpgsqlDataSource.Create(options.ConnectionString!), options.Schema);
        });
        bus.AddSingleton(provider => CheckpointSigner.FromPemFile(provider.GetRequiredService<IOptions<LedgerOptions>>().Value.SigningKeyFile!));
        bus.TryAddSingleton(TimeProvider.System);
        bus.AddSingleton<CheckpointService>();
        bus.AddHostedService(provider => provider.GetRequiredService<CheckpointService>());
        bus.AddHostedService<SchemaMigration>();
        bus.AddConsumer<PipelineMessageBatchConsumer, PipelineMessageBatchConsumerDefinition>();
        return bus;
    }
}
