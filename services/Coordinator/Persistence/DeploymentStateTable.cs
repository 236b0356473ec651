using System.Text.RegularExpressions;
using Npgsql;

namespace Bpdp.Coordinator.Persistence;

/// <summary>
/// One row per deployment: the saga state as JSON, a version for optimistic concurrency, and the
/// columns the deadline sweeper and operators query (state, deadline, target).
/// </summary>
public static partial class DeploymentStateTable
{
    public static async Task Create(NpgsqlDataSource dataSource, string schema, CancellationToken cancel = default)
    {
        await using var command = dataSource.CreateCommand($"""
            CREATE SCHEMA IF NOT EXISTS {Checked(schema)};
            CREATE TABLE IF NOT EXISTS {schema}.deployments (
                correlation_id   uuid        PRIMARY KEY,
                version          integer     NOT NULL,
                current_state    text        NOT NULL,
                deadline_at      timestamptz NULL,
                timeout_sent_for timestamptz NULL,
                target_key       text        NULL,
                state            jsonb       NOT NULL,
                updated_at       timestamptz NOT NULL DEFAULT now());
            CREATE INDEX IF NOT EXISTS deployments_due ON {schema}.deployments (deadline_at) WHERE deadline_at IS NOT NULL;
            CREATE TABLE IF NOT EXISTS {schema}.target_locks (
                target_key    text        PRIMARY KEY,
                deployment_id uuid        NOT NULL,
                acquired_at   timestamptz NOT NULL DEFAULT now());
            """);
        await command.ExecuteNonQueryAsync(cancel);
    }

    public static string Checked(string schema) =>
        Identifier().IsMatch(schema) ? schema : throw new ArgumentException($"'{schema}' is not a plain lowercase SQL identifier.", nameof(schema));

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Identifier();
}
