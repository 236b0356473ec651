using System.Security.Cryptography;
using Bpdp.Ledger.Checkpoints;
using Bpdp.Ledger.Storage;
using Npgsql;

namespace Bpdp.IntegrationTests.Ledger;

/// <summary>A ledger in its own schema of the real PostgreSQL, owned by the server's superuser and written by the restricted role.</summary>
public sealed class LedgerDatabase : IAsyncDisposable
{
    public const string Role = "bpdp_ledger";

    private LedgerDatabase(string ownerConnectionString, string schema)
    {
        OwnerConnectionString = ownerConnectionString;
        Schema = schema;
        Owner = NpgsqlDataSource.Create(ownerConnectionString);
        ServiceConnectionString = new NpgsqlConnectionStringBuilder(ownerConnectionString) { Username = Role, Password = null }.ConnectionString;
        Service = NpgsqlDataSource.Create(ServiceConnectionString);
        Ledger = new PostgresLedger(Service, schema);
        Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Signer = new CheckpointSigner(Key);
    }

    public string OwnerConnectionString { get; }

    public string ServiceConnectionString { get; }

    public string Schema { get; }

    public NpgsqlDataSource Owner { get; }

    public NpgsqlDataSource Service { get; }

    public PostgresLedger Ledger { get; }

    public ECDsa Key { get; }

    public CheckpointSigner Signer { get; }

    public static async Task<LedgerDatabase> Create(string ownerConnectionString)
    {
        var database = new LedgerDatabase(ownerConnectionString, $"ledger_{Guid.NewGuid():N}"[..20]);
        await LedgerSchema.Apply(database.Owner, database.Schema, Role);
        return database;
    }

    /// <summary>Runs SQL as the superuser with triggers off: what an attacker with the database's keys could do.</summary>
    public async Task Tamper(string sql)
    {
        await using var connection = await Owner.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            $"SET session_replication_role = replica; {sql.Replace("{schema}", Schema, StringComparison.Ordinal)}; SET session_replication_role = origin;", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> Count()
    {
        await using var command = Owner.CreateCommand($"SELECT count(*) FROM {Schema}.ledger_entries");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await using (var drop = Owner.CreateCommand($"DROP SCHEMA {Schema} CASCADE"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await Owner.DisposeAsync();
        Signer.Dispose();
    }
}
