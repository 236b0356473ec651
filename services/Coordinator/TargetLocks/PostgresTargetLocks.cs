using Bpdp.Coordinator.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bpdp.Coordinator.TargetLocks;

/// <summary>The target locks shared by every Coordinator: one row per held target, taken and released atomically.</summary>
public sealed class PostgresTargetLocks(NpgsqlDataSource dataSource, IOptions<CoordinatorOptions> options) : ITargetLocks
{
    public async Task<bool> TryEnter(string target, Guid deploymentId, CancellationToken cancel = default)
    {
        var schema = DeploymentStateTable.Checked(options.Value.Schema);
        // The no-op update makes a re-entry by the holder return its row; anyone else gets nothing.
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {schema}.target_locks (target_key, deployment_id) VALUES (@target, @id)
            ON CONFLICT (target_key) DO UPDATE SET deployment_id = excluded.deployment_id
                WHERE {schema}.target_locks.deployment_id = excluded.deployment_id
            RETURNING deployment_id
            """);
        command.Parameters.AddWithValue("target", target);
        command.Parameters.AddWithValue("id", deploymentId);
        return await command.ExecuteScalarAsync(cancel) is Guid holder && holder == deploymentId;
    }

    public async Task Leave(string target, Guid deploymentId, CancellationToken cancel = default)
    {
        var schema = DeploymentStateTable.Checked(options.Value.Schema);
        await using var command = dataSource.CreateCommand($"DELETE FROM {schema}.target_locks WHERE target_key = @target AND deployment_id = @id");
        command.Parameters.AddWithValue("target", target);
        command.Parameters.AddWithValue("id", deploymentId);
        await command.ExecuteNonQueryAsync(cancel);
    }
}
