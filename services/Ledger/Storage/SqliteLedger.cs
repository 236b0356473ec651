using System.Globalization;
using System.Runtime.CompilerServices;
using Bpdp.Ledger.Chain;
using Microsoft.Data.Sqlite;

namespace Bpdp.Ledger.Storage;

/// <summary>
/// The same ledger in one SQLite file, for the embedded mode. Triggers refuse UPDATE and DELETE; an
/// append is one <c>BEGIN IMMEDIATE</c> transaction, which serializes writers, so the chain never forks.
/// Times are stored as the exact text that was hashed.
/// </summary>
public sealed class SqliteLedger : ILedgerStore, IDisposable
{
    private readonly string connectionString;

    // The writer's own connection, open for its lifetime: SQLite deletes the -wal file when the last connection
    // closes, and a reader that then finds none opens the file immutable, which is only safe with no writer.
    private SqliteConnection? walHolder;

    private SqliteLedger(string connectionString) => this.connectionString = connectionString;

    /// <summary>
    /// Opens an existing ledger file to read it and nothing else: never creating, migrating or changing
    /// it, because a verifier must leave the evidence as it found it. Without a <c>-wal</c> file beside it
    /// the file is opened immutable, since even a read-only connection to a WAL-mode file would create the
    /// <c>-wal</c> and <c>-shm</c> files; with one (a ledger being written — its writer keeps the WAL while it
    /// runs, see <see cref="Open"/> — or one that crashed), read-only, so the entries still in the WAL are read too
    /// and a write going on is seen whole or not at all.
    /// </summary>
    public static SqliteLedger OpenReadOnly(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"{file.FullName}: no such ledger file", file.FullName);
        }

        var immutable = !File.Exists(file.FullName + "-wal");
        return new SqliteLedger(new SqliteConnectionStringBuilder
        {
            DataSource = immutable ? new Uri(file.FullName).AbsoluteUri + "?immutable=1" : file.FullName,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
    }

    /// <summary>Opens (creating when missing) the ledger file and its append-only tables.</summary>
    public static SqliteLedger Open(string path)
    {
        var ledger = new SqliteLedger(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        var connection = new SqliteConnection(ledger.connectionString);
        connection.Open();
        ledger.walHolder = connection;
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS ledger_entries (
                seq           INTEGER PRIMARY KEY CHECK (seq >= 1),
                message_id    TEXT NOT NULL UNIQUE,
                deployment_id TEXT NOT NULL,
                message_type  TEXT NOT NULL,
                occurred_at   TEXT NOT NULL,
                recorded_at   TEXT NOT NULL,
                payload       TEXT NOT NULL,
                prev_hash     TEXT NOT NULL,
                hash          TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS ledger_entries_by_deployment ON ledger_entries (deployment_id, seq);
            CREATE TABLE IF NOT EXISTS ledger_checkpoints (
                seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, signed_at TEXT NOT NULL, key_id TEXT NOT NULL, signature TEXT NOT NULL);
            CREATE TRIGGER IF NOT EXISTS ledger_entries_no_update BEFORE UPDATE ON ledger_entries
                BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: UPDATE on ledger_entries is refused'); END;
            CREATE TRIGGER IF NOT EXISTS ledger_entries_no_delete BEFORE DELETE ON ledger_entries
                BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: DELETE on ledger_entries is refused'); END;
            CREATE TRIGGER IF NOT EXISTS ledger_checkpoints_no_update BEFORE UPDATE ON ledger_checkpoints
                BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: UPDATE on ledger_checkpoints is refused'); END;
            CREATE TRIGGER IF NOT EXISTS ledger_checkpoints_no_delete BEFORE DELETE ON ledger_checkpoints
                BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: DELETE on ledger_checkpoints is refused'); END;
            """;
        command.ExecuteNonQuery();
        return ledger;
    }

    /// <summary>Closes the writer's connection: the last one to close folds the WAL into the file and removes it.</summary>
    public void Dispose()
    {
        walHolder?.Dispose();
        walHolder = null;
    }

    public async Task<int> Append(IReadOnlyList<PendingEntry> entries, CancellationToken cancel = default)
    {
        if (entries.Count == 0)
        {
            return 0;
        }

        await using var connection = await Connect(cancel);
        await using (var begin = connection.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync(cancel);
        }

        try
        {
            var recorded = new Dictionary<Guid, string>();
            foreach (var id in Admission.IdsToLookUp(entries))
            {
                if (await Scalar(connection, "SELECT payload FROM ledger_entries WHERE message_id = $id", cancel, ("$id", id.ToString("D"))) is string payload)
                {
                    recorded[id] = payload;
                }
            }

            var (admitted, conflicts) = Admission.Admit(entries, recorded);
            var (sequence, hash) = await Tail(connection, cancel);
            var fresh = LedgerChain.Extend(sequence, hash, admitted, DateTimeOffset.UtcNow);
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO ledger_entries (seq, message_id, deployment_id, message_type, occurred_at, recorded_at, payload, prev_hash, hash)
                VALUES ($seq, $messageId, $deploymentId, $messageType, $occurredAt, $recordedAt, $payload, $prevHash, $hash)
                """;
            foreach (var entry in fresh)
            {
                insert.Parameters.Clear();
                insert.Parameters.AddWithValue("$seq", entry.Sequence);
                insert.Parameters.AddWithValue("$messageId", entry.MessageId.ToString("D"));
                insert.Parameters.AddWithValue("$deploymentId", entry.DeploymentId.ToString("D"));
                insert.Parameters.AddWithValue("$messageType", entry.MessageType);
                insert.Parameters.AddWithValue("$occurredAt", LedgerHash.Time(entry.OccurredAt));
                insert.Parameters.AddWithValue("$recordedAt", LedgerHash.Time(entry.RecordedAt));
                insert.Parameters.AddWithValue("$payload", entry.Payload);
                insert.Parameters.AddWithValue("$prevHash", entry.PreviousHash);
                insert.Parameters.AddWithValue("$hash", entry.Hash);
                await insert.ExecuteNonQueryAsync(cancel);
            }

            await Scalar(connection, "COMMIT", cancel);
            LedgerMetrics.Appended(fresh, conflicts);
            return fresh.Count;
        }
        catch
        {
            await Scalar(connection, "ROLLBACK", CancellationToken.None);
            throw;
        }
    }

    public async Task<(long Sequence, string Hash)> Tail(CancellationToken cancel = default)
    {
        await using var connection = await Connect(cancel);
        return await Tail(connection, cancel);
    }

    public IAsyncEnumerable<LedgerEntry> Entries(long fromSequence, long toSequence, CancellationToken cancel = default) =>
        Query("seq BETWEEN $from AND $to", [("$from", fromSequence), ("$to", toSequence)], cancel);

    public async Task<IReadOnlyList<LedgerEntry>> Timeline(Guid deploymentId, CancellationToken cancel = default)
    {
        var timeline = new List<LedgerEntry>();
        await foreach (var entry in Query("deployment_id = $id", [("$id", deploymentId.ToString("D"))], cancel))
        {
            timeline.Add(entry);
        }

        return timeline;
    }

    public async Task<IReadOnlyList<DeploymentSummary>> Deployments(CancellationToken cancel = default)
    {
        await using var connection = await Connect(cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT e.deployment_id, s.entries, s.first_seq, e.seq, e.message_type, e.recorded_at
            FROM (SELECT deployment_id, count(*) AS entries, min(seq) AS first_seq, max(seq) AS last_seq FROM ledger_entries GROUP BY deployment_id) s
            JOIN ledger_entries e ON e.seq = s.last_seq
            ORDER BY e.seq DESC
            """;
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var deployments = new List<DeploymentSummary>();
        while (await reader.ReadAsync(cancel))
        {
            deployments.Add(new DeploymentSummary(Guid.Parse(reader.GetString(0)), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4), Time(reader.GetString(5))));
        }

        return deployments;
    }

    public async Task AddCheckpoint(Checkpoint checkpoint, CancellationToken cancel = default)
    {
        await using var connection = await Connect(cancel);
        await Scalar(connection, "INSERT OR IGNORE INTO ledger_checkpoints (seq, hash, signed_at, key_id, signature) VALUES ($seq, $hash, $signedAt, $keyId, $signature)", cancel,
            ("$seq", checkpoint.Sequence), ("$hash", checkpoint.Hash), ("$signedAt", LedgerHash.Time(checkpoint.SignedAt)), ("$keyId", checkpoint.KeyId), ("$signature", checkpoint.Signature));
    }

    public async Task<IReadOnlyList<Checkpoint>> Checkpoints(CancellationToken cancel = default)
    {
        await using var connection = await Connect(cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, hash, signed_at, key_id, signature FROM ledger_checkpoints ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var checkpoints = new List<Checkpoint>();
        while (await reader.ReadAsync(cancel))
        {
            checkpoints.Add(new Checkpoint(reader.GetInt64(0), reader.GetString(1), Time(reader.GetString(2)), reader.GetString(3), reader.GetString(4)));
        }

        return checkpoints;
    }

    private async IAsyncEnumerable<LedgerEntry> Query(string condition, (string Name, object Value)[] parameters, [EnumeratorCancellation] CancellationToken cancel)
    {
        await using var connection = await Connect(cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT seq, message_id, deployment_id, message_type, occurred_at, recorded_at, payload, prev_hash, hash FROM ledger_entries WHERE {condition} ORDER BY seq";
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancel);
        while (await reader.ReadAsync(cancel))
        {
            yield return new LedgerEntry(
                reader.GetInt64(0), Guid.Parse(reader.GetString(1)), Guid.Parse(reader.GetString(2)), reader.GetString(3),
                Time(reader.GetString(4)), Time(reader.GetString(5)), reader.GetString(6), reader.GetString(7), reader.GetString(8));
        }
    }

    private static async Task<(long, string)> Tail(SqliteConnection connection, CancellationToken cancel)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, hash FROM ledger_entries ORDER BY seq DESC LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync(cancel);
        return await reader.ReadAsync(cancel) ? (reader.GetInt64(0), reader.GetString(1)) : (0, LedgerHash.Genesis);
    }

    private static async Task<object?> Scalar(SqliteConnection connection, string sql, CancellationToken cancel, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteScalarAsync(cancel);
    }

    private async Task<SqliteConnection> Connect(CancellationToken cancel)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancel);
        return connection;
    }

    private static DateTimeOffset Time(string text) =>
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
