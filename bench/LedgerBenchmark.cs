using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Bpdp.Ledger.Chain;
using Bpdp.Ledger.Storage;
using Bpdp.Ledger.Verification;
using Npgsql;
using NpgsqlTypes;

namespace Bpdp.Bench;

/// <summary>
/// Ledger appends (advisory lock, dedupe lookup, hash chain, binary COPY, one transaction per batch)
/// against plain batched INSERTs of the same rows into a plain table on the same server, the two
/// alternating chunk by chunk so both see the same load; then verification speed.
/// </summary>
internal static class LedgerBenchmark
{
    private const int BatchSize = 200;

    public static async Task<int> Run(string[] args)
    {
        var connectionString = BenchArgs.Option(args, "--postgres") ?? Environment.GetEnvironmentVariable("BPDP_TEST_POSTGRES");
        if (connectionString is null)
        {
            Console.Error.WriteLine("Give --postgres or set BPDP_TEST_POSTGRES (scripts/services.sh env prints it).");
            return 1;
        }

        var total = int.Parse(BenchArgs.Option(args, "--entries") ?? "20000", CultureInfo.InvariantCulture);
        var schema = $"bench_{Guid.NewGuid():N}"[..16];
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await LedgerSchema.Apply(dataSource, schema, "bpdp_ledger");
        await Execute(dataSource, $"CREATE TABLE {schema}.plain_entries (seq bigint PRIMARY KEY, message_id uuid NOT NULL UNIQUE, deployment_id uuid NOT NULL, message_type text NOT NULL, " +
            "occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL, payload text NOT NULL, prev_hash text NOT NULL, hash text NOT NULL)");
        try
        {
            var ledger = new PostgresLedger(dataSource, schema);
            var entries = Enumerable.Range(0, total).Select(Entry).ToArray();
            var ledgerTime = TimeSpan.Zero;
            var plainTime = TimeSpan.Zero;
            for (var chunk = 0; chunk < total; chunk += BatchSize * 10)
            {
                var slice = entries.Skip(chunk).Take(BatchSize * 10).ToArray();
                var watch = Stopwatch.StartNew();
                foreach (var batch in slice.Chunk(BatchSize))
                {
                    await ledger.Append(batch);
                }

                ledgerTime += watch.Elapsed;
                watch.Restart();
                var sequence = (long)chunk;
                foreach (var batch in slice.Chunk(BatchSize))
                {
                    await PlainInsert(dataSource, schema, sequence, batch);
                    sequence += batch.Length;
                }

                plainTime += watch.Elapsed;
            }

            var ledgerRate = total / ledgerTime.TotalSeconds;
            var plainRate = total / plainTime.TotalSeconds;
            Console.WriteLine(
                $"append: ledger {ledgerRate:N0} entries/s, plain batched INSERT {plainRate:N0} rows/s, ratio {ledgerRate / plainRate:F2} (batches of {BatchSize}, {total:N0} rows each)");

            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var verifyWatch = Stopwatch.StartNew();
            var verdict = await LedgerVerifier.Verify(ledger, key);
            Console.WriteLine($"verify: {verdict.VerifiedEntries / verifyWatch.Elapsed.TotalSeconds:N0} entries/s ({verdict.VerifiedEntries:N0} entries, valid: {verdict.Valid})");
        }
        finally
        {
            await Execute(dataSource, $"DROP SCHEMA {schema} CASCADE");
        }

        return 0;
    }

    private static PendingEntry Entry(int n)
    {
        var deployment = new Guid(n / 50, 0, 0, [0, 0, 0, 0, 0, 0, 0, 1]);
        return new PendingEntry(Guid.NewGuid(), deployment, "StageTimedOut", DateTimeOffset.UtcNow,
            $$"""{"deadline":"2026-11-27T10:00:00Z","deploymentId":"{{deployment}}","occurredAt":"2026-11-27T09:59:00Z","stage":"Scanner"}""");
    }

    private static async Task PlainInsert(NpgsqlDataSource dataSource, string schema, long sequence, PendingEntry[] batch)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var insert = new NpgsqlBatch(connection, transaction);
        var recordedAt = DateTimeOffset.UtcNow;
        foreach (var entry in batch)
        {
            var command = new NpgsqlBatchCommand($"INSERT INTO {schema}.plain_entries VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
            command.Parameters.Add(new NpgsqlParameter { Value = ++sequence });
            command.Parameters.Add(new NpgsqlParameter { Value = entry.MessageId, NpgsqlDbType = NpgsqlDbType.Uuid });
            command.Parameters.Add(new NpgsqlParameter { Value = entry.DeploymentId, NpgsqlDbType = NpgsqlDbType.Uuid });
            command.Parameters.Add(new NpgsqlParameter { Value = entry.MessageType });
            command.Parameters.Add(new NpgsqlParameter { Value = entry.OccurredAt });
            command.Parameters.Add(new NpgsqlParameter { Value = recordedAt });
            command.Parameters.Add(new NpgsqlParameter { Value = entry.Payload });
            command.Parameters.Add(new NpgsqlParameter { Value = LedgerHash.Genesis });
            command.Parameters.Add(new NpgsqlParameter { Value = LedgerHash.Genesis });
            insert.BatchCommands.Add(command);
        }

        await insert.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    private static async Task Execute(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
