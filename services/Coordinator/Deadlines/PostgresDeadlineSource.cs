using System.Globalization;
using Bpdp.Coordinator.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bpdp.Coordinator.Deadlines;

/// <summary>
/// Expired deadlines from the saga table, safe with several Coordinators: each sweep claims due rows
/// with <c>FOR UPDATE SKIP LOCKED</c> and marks the deadline it reports, so each deadline is reported
/// once however many sweepers run. The exact deadline comes from the saga's own state, which is what it compares.
/// </summary>
internal sealed class PostgresDeadlineSource(NpgsqlDataSource dataSource, IOptions<CoordinatorOptions> options) : IDeadlineSource
{
    public async Task<IReadOnlyList<ExpiredDeadline>> Expired(DateTimeOffset now, CancellationToken cancel)
    {
        var schema = DeploymentStateTable.Checked(options.Value.Schema);
        await using var command = dataSource.CreateCommand($"""
            WITH due AS (
                SELECT correlation_id FROM {schema}.deployments
                WHERE deadline_at <= @now AND timeout_sent_for IS DISTINCT FROM deadline_at
                ORDER BY deadline_at LIMIT 200
                FOR UPDATE SKIP LOCKED)
            UPDATE {schema}.deployments AS d SET timeout_sent_for = d.deadline_at
            FROM due WHERE d.correlation_id = due.correlation_id
            RETURNING d.correlation_id, d.current_state, d.state->>'deadlineAt'
            """);
        command.Parameters.AddWithValue("now", now);
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var expired = new List<ExpiredDeadline>();
        while (await reader.ReadAsync(cancel))
        {
            expired.Add(new ExpiredDeadline(reader.GetGuid(0), reader.GetString(1), DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
        }

        return expired;
    }
}
