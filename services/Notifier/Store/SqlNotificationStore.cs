using System.Data.Common;
using System.Text.Json;
using Bpdp.Contracts;
using Bpdp.Notifier.Triggers;

namespace Bpdp.Notifier.Store;

/// <summary>
/// The notification tables over ADO.NET, one set of statements for PostgreSQL and SQLite. A notification's id is its
/// primary key, so the same event enqueued twice is one row; a claim is one conditional UPDATE, so one replica at a
/// time holds a notification.
/// </summary>
public sealed class SqlNotificationStore(DbDataSource dataSource, string tablePrefix) : INotificationStore
{
    private const string Pending = nameof(NotificationStatus.Pending);

    private string Deployments => $"{tablePrefix}notifier_deployments";

    private string Notifications => $"{tablePrefix}notifier_notifications";

    public async Task RememberTarget(Guid deploymentId, DeploymentTarget target, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(target);
        await using var command = Command($"INSERT INTO {Deployments} (deployment_id, target) VALUES (@id, @target) ON CONFLICT (deployment_id) DO NOTHING",
            ("id", Id(deploymentId)), ("target", Json(target)));
        await command.ExecuteNonQueryAsync(cancel);
    }

    public async Task RememberMeasurements(Guid deploymentId, DeploymentTarget target, IReadOnlyList<KpiMeasurement> measurements, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        await using var command = Command($"""
            INSERT INTO {Deployments} (deployment_id, target, measurements) VALUES (@id, @target, @measurements)
            ON CONFLICT (deployment_id) DO UPDATE SET measurements = excluded.measurements
            """, ("id", Id(deploymentId)), ("target", Json(target)), ("measurements", Json(measurements)));
        await command.ExecuteNonQueryAsync(cancel);
    }

    public async Task<DeploymentFacts> Facts(Guid deploymentId, CancellationToken cancel)
    {
        await using var command = Command($"SELECT target, measurements FROM {Deployments} WHERE deployment_id = @id", ("id", Id(deploymentId)));
        await using var reader = await command.ExecuteReaderAsync(cancel);
        if (!await reader.ReadAsync(cancel))
        {
            return new DeploymentFacts(null, []);
        }

        var target = JsonSerializer.Deserialize<DeploymentTarget>(reader.GetString(0), ContractJson.Options);
        var measurements = reader.IsDBNull(1) ? [] : JsonSerializer.Deserialize<List<KpiMeasurement>>(reader.GetString(1), ContractJson.Options) ?? [];
        return new DeploymentFacts(target, measurements);
    }

    public async Task<int> Enqueue(IReadOnlyList<Notification> notifications, DateTimeOffset now, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        if (notifications.Count == 0)
        {
            return 0;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancel);
        await using var transaction = await connection.BeginTransactionAsync(cancel);
        var added = 0;
        foreach (var notification in notifications)
        {
            await using var insert = Command(connection, transaction, $"""
                INSERT INTO {Notifications} (id, deployment_id, body, status, attempts, next_attempt_at, created_at)
                VALUES (@id, @deployment, @body, '{Pending}', 0, @now, @now)
                ON CONFLICT (id) DO NOTHING
                """, ("id", Id(notification.Id)), ("deployment", Id(notification.DeploymentId)), ("body", Json(notification)), ("now", now.ToUnixTimeMilliseconds()));
            added += await insert.ExecuteNonQueryAsync(cancel);
        }

        await transaction.CommitAsync(cancel);
        return added;
    }

    public async Task<IReadOnlyList<HeldNotification>> Claim(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancel)
    {
        const string claimable = $"status = '{Pending}' AND next_attempt_at <= @now AND (leased_until IS NULL OR leased_until < @now)";
        await using var command = Command($"""
            UPDATE {Notifications} SET leased_by = @owner, leased_until = @until
            WHERE {claimable} AND id IN (SELECT id FROM {Notifications} WHERE {claimable} ORDER BY next_attempt_at LIMIT @max)
            RETURNING body, attempts
            """, ("owner", owner), ("now", now.ToUnixTimeMilliseconds()), ("until", (now + lease).ToUnixTimeMilliseconds()), ("max", max));
        var held = new List<HeldNotification>();
        await using var reader = await command.ExecuteReaderAsync(cancel);
        while (await reader.ReadAsync(cancel))
        {
            held.Add(new HeldNotification(JsonSerializer.Deserialize<Notification>(reader.GetString(0), ContractJson.Options)!, reader.GetInt32(1)));
        }

        return held;
    }

    public async Task Delivered(Guid id, string owner, DateTimeOffset now, CancellationToken cancel)
    {
        await using var command = Command($"""
            UPDATE {Notifications} SET status = '{nameof(NotificationStatus.Delivered)}', attempts = attempts + 1, finished_at = @now, leased_by = NULL, leased_until = NULL
            WHERE id = @id AND status = '{Pending}' AND leased_by = @owner
            """, ("id", Id(id)), ("owner", owner), ("now", now.ToUnixTimeMilliseconds()));
        await command.ExecuteNonQueryAsync(cancel);
    }

    public async Task Failed(Guid id, string owner, int attempts, string error, DateTimeOffset? retryAt, DateTimeOffset now, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(error);
        await using var command = retryAt is { } retry
            ? Command($"""
                UPDATE {Notifications} SET attempts = @attempts, last_error = @error, next_attempt_at = @retry, leased_by = NULL, leased_until = NULL
                WHERE id = @id AND status = '{Pending}' AND leased_by = @owner
                """, ("id", Id(id)), ("owner", owner), ("attempts", attempts), ("error", error), ("retry", retry.ToUnixTimeMilliseconds()))
            : Command($"""
                UPDATE {Notifications} SET status = '{nameof(NotificationStatus.Undeliverable)}', attempts = @attempts, last_error = @error, finished_at = @now,
                    leased_by = NULL, leased_until = NULL
                WHERE id = @id AND status = '{Pending}' AND leased_by = @owner
                """, ("id", Id(id)), ("owner", owner), ("attempts", attempts), ("error", error), ("now", now.ToUnixTimeMilliseconds()));
        await command.ExecuteNonQueryAsync(cancel);
    }

    public async Task<IReadOnlyList<NotificationState>> List(NotificationStatus? status, Guid? deploymentId, int limit, CancellationToken cancel)
    {
        var filters = new List<string>();
        var parameters = new List<(string, object?)> { ("limit", limit) };
        if (status is { } wanted)
        {
            filters.Add("status = @status");
            parameters.Add(("status", wanted.ToString()));
        }

        if (deploymentId is { } deployment)
        {
            filters.Add("deployment_id = @deployment");
            parameters.Add(("deployment", Id(deployment)));
        }

        var where = filters.Count == 0 ? "" : "WHERE " + string.Join(" AND ", filters);
        await using var command = Command($"""
            SELECT body, status, attempts, last_error, created_at, finished_at FROM {Notifications} {where}
            ORDER BY created_at DESC, id LIMIT @limit
            """, [.. parameters]);
        var states = new List<NotificationState>();
        await using var reader = await command.ExecuteReaderAsync(cancel);
        while (await reader.ReadAsync(cancel))
        {
            var notification = JsonSerializer.Deserialize<Notification>(reader.GetString(0), ContractJson.Options)!;
            states.Add(new NotificationState(notification.Id, notification.DeploymentId, notification.Trigger, notification.Route, notification.Sink, notification.Title,
                Enum.Parse<NotificationStatus>(reader.GetString(1)), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))));
        }

        return states;
    }

    private static string Id(Guid id) => id.ToString("D");

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, ContractJson.Options);

    private DbCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = dataSource.CreateCommand(sql);
        Add(command, parameters);
        return command;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        Add(command, parameters);
        return command;
    }

    private static void Add(DbCommand command, (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
    }
}
