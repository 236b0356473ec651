using System.Text.Json;
using Bpdp.Contracts;
using Bpdp.Coordinator.Saga;
using Npgsql;

namespace Bpdp.Coordinator.Persistence;

/// <summary>
/// One message's unit of work on the saga table: a connection and a transaction. A load locks the row
/// (<c>FOR UPDATE</c>) until the transaction ends, so messages of one deployment, on any replica, take
/// turns instead of racing (duplicates of every event arrive together). Updates still check the version
/// that was loaded; a mismatch throws <see cref="DeploymentStateConflictException"/> and the message is
/// retried on fresh state.
/// </summary>
public sealed class DeploymentStateDatabase : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly NpgsqlTransaction transaction;
    private readonly string schema;
    private readonly Dictionary<Guid, int> loadedVersions = [];

    private DeploymentStateDatabase(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema)
    {
        this.connection = connection;
        this.transaction = transaction;
        this.schema = schema;
    }

    public static async Task<DeploymentStateDatabase> Open(NpgsqlDataSource dataSource, string schema, CancellationToken cancel)
    {
        var connection = await dataSource.OpenConnectionAsync(cancel);
        try
        {
            return new DeploymentStateDatabase(connection, await connection.BeginTransactionAsync(cancel), schema);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<DeploymentState?> Load(Guid correlationId, CancellationToken cancel)
    {
        await using var command = Command($"SELECT version, state FROM {schema}.deployments WHERE correlation_id = @id FOR UPDATE");
        command.Parameters.AddWithValue("id", correlationId);
        await using var reader = await command.ExecuteReaderAsync(cancel);
        if (!await reader.ReadAsync(cancel))
        {
            return null;
        }

        var state = JsonSerializer.Deserialize<DeploymentState>(reader.GetString(1), ContractJson.Options)!;
        state.Version = reader.GetInt32(0);
        loadedVersions[correlationId] = state.Version;
        return state;
    }

    /// <summary>Inserts a new deployment; a concurrent insert of the same id fails with a unique violation, and the retry loads it.</summary>
    public async Task Insert(DeploymentState state, CancellationToken cancel)
    {
        state.Version = 1;
        await using var command = Command($"""
            INSERT INTO {schema}.deployments (correlation_id, version, current_state, deadline_at, target_key, state, updated_at)
            VALUES (@id, @version, @current, @deadline, @target, @state::jsonb, now())
            """);
        Bind(command, state);
        await command.ExecuteNonQueryAsync(cancel);
    }

    public async Task Update(DeploymentState state, CancellationToken cancel)
    {
        var loaded = loadedVersions.TryGetValue(state.CorrelationId, out var version) ? version : state.Version;
        state.Version = loaded + 1;
        await using var command = Command($"""
            UPDATE {schema}.deployments
            SET version = @version, current_state = @current, deadline_at = @deadline, target_key = @target, state = @state::jsonb, updated_at = now()
            WHERE correlation_id = @id AND version = @loaded
            """);
        Bind(command, state);
        command.Parameters.AddWithValue("loaded", loaded);
        if (await command.ExecuteNonQueryAsync(cancel) == 0)
        {
            throw new DeploymentStateConflictException(state.CorrelationId, loaded);
        }
    }

    public async Task Delete(Guid correlationId, CancellationToken cancel)
    {
        await using var command = Command($"DELETE FROM {schema}.deployments WHERE correlation_id = @id");
        command.Parameters.AddWithValue("id", correlationId);
        await command.ExecuteNonQueryAsync(cancel);
    }

    public Task Commit(CancellationToken cancel) => transaction.CommitAsync(cancel);

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }

    private NpgsqlCommand Command(string sql) => new(sql, connection, transaction);

    private static void Bind(NpgsqlCommand command, DeploymentState state)
    {
        command.Parameters.AddWithValue("id", state.CorrelationId);
        command.Parameters.AddWithValue("version", state.Version);
        command.Parameters.AddWithValue("current", state.CurrentState);
        command.Parameters.AddWithValue("deadline", (object?)state.DeadlineAt ?? DBNull.Value);
        command.Parameters.AddWithValue("target", state.Target is { } t ? DeploymentStateMachine.TargetKey(t) : DBNull.Value);
        command.Parameters.AddWithValue("state", JsonSerializer.Serialize(state, ContractJson.Options));
    }
}

/// <summary>Another Coordinator changed this deployment since it was loaded; the message is retried on the new state.</summary>
public sealed class DeploymentStateConflictException(Guid deploymentId, int version)
    : Exception($"deployment {deploymentId} changed after version {version} was loaded; retrying on the current state");
