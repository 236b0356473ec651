using Bpdp.Ledger.Chain;
using Npgsql;
using NpgsqlTypes;

namespace Bpdp.Ledger.Storage;

/// <summary>
/// The ledger in PostgreSQL. Appends take a transaction-scoped advisory lock, so any number of ledger
/// replicas extend one chain and never fork it; each batch is one transaction and one binary COPY.
/// A message id already in the ledger with the same payload is skipped: a redelivery changes nothing;
/// with a different payload it is recorded as a conflict (see <see cref="Admission"/>).
/// </summary>
public sealed class PostgresLedger(NpgsqlDataSource dataSource, string schema) : ILedgerStore
{
    private readonly string schema = Identifier.Require(schema);

    /// <summary>
    /// Appends the entries whose message ids are new, and a conflict entry for each recorded id sent with a different payload,
    /// in the given order; returns how many entries were appended.
    /// </summary>
    public async Task<int> Append(IReadOnlyList<PendingEntry> entries, CancellationToken cancel = default)
    {
        if (entries.Count == 0)
        {
            return 0;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancel);
        await using var transaction = await connection.BeginTransactionAsync(cancel);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@name))", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("name", $"bpdp-ledger:{schema}");
            await lockCommand.ExecuteNonQueryAsync(cancel);
        }

        var recorded = await RecordedPayloads(connection, transaction, Admission.IdsToLookUp(entries), cancel);
        var (admitted, conflicts) = Admission.Admit(entries, recorded);
        var (sequence, previousHash) = await Tail(connection, transaction, cancel);
        var fresh = LedgerChain.Extend(sequence, previousHash, admitted, DateTimeOffset.UtcNow);
        if (fresh.Count == 0)
        {
            return 0;
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            $"COPY {schema}.ledger_entries (seq, message_id, deployment_id, message_type, occurred_at, recorded_at, payload, prev_hash, hash) FROM STDIN (FORMAT BINARY)", cancel))
        {
            foreach (var entry in fresh)
            {
                await copy.StartRowAsync(cancel);
                await copy.WriteAsync(entry.Sequence, NpgsqlDbType.Bigint, cancel);
                await copy.WriteAsync(entry.MessageId, NpgsqlDbType.Uuid, cancel);
                await copy.WriteAsync(entry.DeploymentId, NpgsqlDbType.Uuid, cancel);
                await copy.WriteAsync(entry.MessageType, NpgsqlDbType.Text, cancel);
                await copy.WriteAsync(entry.OccurredAt, NpgsqlDbType.TimestampTz, cancel);
                await copy.WriteAsync(entry.RecordedAt, NpgsqlDbType.TimestampTz, cancel);
                await copy.WriteAsync(entry.Payload, NpgsqlDbType.Text, cancel);
                await copy.WriteAsync(entry.PreviousHash, NpgsqlDbType.Text, cancel);
                await copy.WriteAsync(entry.Hash, NpgsqlDbType.Text, cancel);
            }

            await copy.CompleteAsync(cancel);
        }

        await transaction.CommitAsync(cancel);
        LedgerMetrics.Appended(fresh, conflicts);
        return fresh.Count;
    }

    public async Task<(long Sequence, string Hash)> Tail(CancellationToken cancel = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancel);
        return await Tail(connection, null, cancel);
    }

    public IAsyncEnumerable<LedgerEntry> Entries(long fromSequence, long toSequence, CancellationToken cancel = default) =>
        Query("seq BETWEEN @from AND @to", parameters =>
        {
            parameters.AddWithValue("from", fromSequence);
            parameters.AddWithValue("to", toSequence);
        }, cancel);

    /// <summary>One deployment's entries in ledger order.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> Timeline(Guid deploymentId, CancellationToken cancel = default)
    {
        var timeline = new List<LedgerEntry>();
        await foreach (var entry in Query("deployment_id = @id", parameters => parameters.AddWithValue("id", deploymentId), cancel))
        {
            timeline.Add(entry);
        }

        return timeline;
    }

    public async Task<IReadOnlyList<DeploymentSummary>> Deployments(CancellationToken cancel = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT DISTINCT ON (deployment_id) deployment_id,
                   count(*) OVER (PARTITION BY deployment_id), min(seq) OVER (PARTITION BY deployment_id),
                   seq, message_type, recorded_at
            FROM {schema}.ledger_entries ORDER BY deployment_id, seq DESC
            """);
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var deployments = new List<DeploymentSummary>();
        while (await reader.ReadAsync(cancel))
        {
            deployments.Add(new DeploymentSummary(reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return [.. deployments.OrderByDescending(d => d.LastSequence)];
    }

    public async Task AddCheckpoint(Checkpoint checkpoint, CancellationToken cancel = default)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {schema}.ledger_checkpoints (seq, hash, signed_at, key_id, signature)
            VALUES (@seq, @hash, @signedAt, @keyId, @signature) ON CONFLICT (seq) DO NOTHING
            """);
        command.Parameters.AddWithValue("seq", checkpoint.Sequence);
        command.Parameters.AddWithValue("hash", checkpoint.Hash);
        command.Parameters.AddWithValue("signedAt", checkpoint.SignedAt);
        command.Parameters.AddWithValue("keyId", checkpoint.KeyId);
        command.Parameters.AddWithValue("signature", checkpoint.Signature);
        await command.ExecuteNonQueryAsync(cancel);
    }

    public async Task<IReadOnlyList<Checkpoint>> Checkpoints(CancellationToken cancel = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT seq, hash, signed_at, key_id, signature FROM {schema}.ledger_checkpoints ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var checkpoints = new List<Checkpoint>();
        while (await reader.ReadAsync(cancel))
        {
            checkpoints.Add(new Checkpoint(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3), reader.GetString(4)));
        }

        return checkpoints;
    }

    private async IAsyncEnumerable<LedgerEntry> Query(string condition, Action<NpgsqlParameterCollection> bind, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT seq, message_id, deployment_id, message_type, occurred_at, recorded_at, payload, prev_hash, hash
            FROM {schema}.ledger_entries WHERE {condition} ORDER BY seq
            """);
        bind(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(cancel);
        while (await reader.ReadAsync(cancel))
        {
            yield return new LedgerEntry(
                reader.GetInt64(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5),
                reader.GetString(6), reader.GetString(7), reader.GetString(8));
        }
    }

    private async Task<Dictionary<Guid, string>> RecordedPayloads(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] ids, CancellationToken cancel)
    {
        await using var command = new NpgsqlCommand($"SELECT message_id, payload FROM {schema}.ledger_entries WHERE message_id = ANY(@ids)", connection, transaction);
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var recorded = new Dictionary<Guid, string>();
        while (await reader.ReadAsync(cancel))
        {
            recorded[reader.GetGuid(0)] = reader.GetString(1);
        }

        return recorded;
    }

    private async Task<(long, string)> Tail(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancel)
    {
        await using var command = new NpgsqlCommand($"SELECT seq, hash FROM {schema}.ledger_entries ORDER BY seq DESC LIMIT 1", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancel);
        return await reader.ReadAsync(cancel) ? (reader.GetInt64(0), reader.GetString(1)) : (0, LedgerHash.Genesis);
    }
}
