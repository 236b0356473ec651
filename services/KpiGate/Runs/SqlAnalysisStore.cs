using System.Data.Common;
using System.Text.Json;
using Bpdp.Contracts;

namespace Bpdp.KpiGate.Runs;

/// <summary>
/// The run tables over ADO.NET, one set of statements for PostgreSQL and SQLite (times are Unix milliseconds, bodies
/// JSON text). Claims are single conditional UPDATEs: in PostgreSQL a second claimer of a row waits for the first and
/// then re-checks the lease, so a run is held by one replica at a time; SQLite serialises every write.
/// </summary>
public sealed class SqlAnalysisStore(DbDataSource dataSource, string tablePrefix) : IAnalysisStore
{
    private const string Running = "Running";
    private const string Stopped = "Stopped";
    private const string Finished = "Finished";

    private string Runs => $"{tablePrefix}kpigate_runs";

    private string Approvals => $"{tablePrefix}kpigate_approvals";

    private string MeasurementTable => $"{tablePrefix}kpigate_measurements";

    public async Task Keep(ApprovedPolicy approval, DateTimeOffset now, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(approval);
        await using var command = Command($"INSERT INTO {Approvals} (deployment_id, body, recorded_at) VALUES (@id, @body, @now) ON CONFLICT (deployment_id) DO NOTHING",
            ("id", Id(approval.DeploymentId)), ("body", Json(approval)), ("now", now.ToUnixTimeMilliseconds()));
        await command.ExecuteNonQueryAsync(cancel);
    }

    public async Task<ApprovedPolicy?> Approval(Guid deploymentId, CancellationToken cancel)
    {
        await using var command = Command($"SELECT body FROM {Approvals} WHERE deployment_id = @id", ("id", Id(deploymentId)));
        return await command.ExecuteScalarAsync(cancel) is string body ? JsonSerializer.Deserialize<ApprovedPolicy>(body, ContractJson.Options) : null;
    }

    public async Task<bool> Open(AnalysisRequest request, DateTimeOffset now, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var connection = await dataSource.OpenConnectionAsync(cancel);
        await using var transaction = await connection.BeginTransactionAsync(cancel);
        await using var insert = Command(connection, transaction, $"""
            INSERT INTO {Runs} (deployment_id, phase, place, request, status, started_at, next_round_at, claims)
            VALUES (@id, @phase, @place, @request, '{Running}', @now, @now, 0)
            ON CONFLICT (deployment_id, phase) DO NOTHING
            """, ("id", Id(request.DeploymentId)), ("phase", request.Phase.ToString()), ("place", request.Place), ("request", Json(request)), ("now", now.ToUnixTimeMilliseconds()));
        var opened = await insert.ExecuteNonQueryAsync(cancel) == 1;
        if (opened)
        {
            await using var supersede = Command(connection, transaction, $"""
                UPDATE {Runs} SET status = '{Stopped}', stopped_because = @why
                WHERE place = @place AND deployment_id <> @id AND status = '{Running}'
                """, ("why", $"superseded by deployment {request.DeploymentId} of {request.Target.PolicyName} {request.Target.PolicyVersion}"),
                ("place", request.Place), ("id", Id(request.DeploymentId)));
            await supersede.ExecuteNonQueryAsync(cancel);
        }

        await transaction.CommitAsync(cancel);
        return opened;
    }

    public async Task<IReadOnlyList<HeldRun>> Claim(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancel)
    {
        const string claimable = $"status = '{Running}' AND next_round_at <= @now AND (leased_until IS NULL OR leased_until < @now)";
        await using var command = Command($"""
            UPDATE {Runs} SET leased_by = @owner, leased_until = @until, claims = claims + 1
            WHERE {claimable} AND (deployment_id, phase) IN (SELECT deployment_id, phase FROM {Runs} WHERE {claimable} ORDER BY next_round_at LIMIT @max)
            RETURNING request, started_at, claims
            """, ("owner", owner), ("now", now.ToUnixTimeMilliseconds()), ("until", (now + lease).ToUnixTimeMilliseconds()), ("max", max));
        var claimed = new List<(AnalysisRequest Request, long StartedAt, int Claims)>();
        await using (var reader = await command.ExecuteReaderAsync(cancel))
        {
            while (await reader.ReadAsync(cancel))
            {
                claimed.Add((JsonSerializer.Deserialize<AnalysisRequest>(reader.GetString(0), ContractJson.Options)!, reader.GetInt64(1), reader.GetInt32(2)));
            }
        }

        var runs = new List<HeldRun>(claimed.Count);
        foreach (var (request, startedAt, claims) in claimed)
        {
            runs.Add(new HeldRun(request, DateTimeOffset.FromUnixTimeMilliseconds(startedAt), claims, await Measurements(request.DeploymentId, request.Phase, cancel)));
        }

        return runs;
    }

    public async Task<LeaseState> Renew(Guid deploymentId, AnalysisPhase phase, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancel)
    {
        await using var command = Command($"""
            UPDATE {Runs} SET leased_until = @until
            WHERE deployment_id = @id AND phase = @phase AND leased_by = @owner AND status = '{Running}'
            """, ("until", (now + lease).ToUnixTimeMilliseconds()), ("id", Id(deploymentId)), ("phase", phase.ToString()), ("owner", owner));
        return await command.ExecuteNonQueryAsync(cancel) == 1 ? LeaseState.Kept : await WhyNotHeld(deploymentId, phase, owner, cancel);
    }

    public async Task<LeaseState> Append(Guid deploymentId, AnalysisPhase phase, string owner, int round, IReadOnlyList<KpiMeasurement> measurements, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        await using var connection = await dataSource.OpenConnectionAsync(cancel);
        await using var transaction = await connection.BeginTransactionAsync(cancel);
        await using var hold = Command(connection, transaction, $"""
            UPDATE {Runs} SET next_round_at = next_round_at
            WHERE deployment_id = @id AND phase = @phase AND leased_by = @owner AND status = '{Running}'
            """, ("id", Id(deploymentId)), ("phase", phase.ToString()), ("owner", owner));
        if (await hold.ExecuteNonQueryAsync(cancel) != 1)
        {
            await transaction.RollbackAsync(cancel);
            return await WhyNotHeld(deploymentId, phase, owner, cancel);
        }

        foreach (var measurement in measurements)
        {
            await using var insert = Command(connection, transaction, $"""
                INSERT INTO {MeasurementTable} (deployment_id, phase, round, metric, body) VALUES (@id, @phase, @round, @metric, @body)
                """, ("id", Id(deploymentId)), ("phase", phase.ToString()), ("round", round), ("metric", measurement.Metric), ("body", Json(measurement)));
            await insert.ExecuteNonQueryAsync(cancel);
        }

        await transaction.CommitAsync(cancel);
        return LeaseState.Kept;
    }

    public async Task Release(Guid deploymentId, AnalysisPhase phase, string owner, DateTimeOffset nextAt, CancellationToken cancel)
    {
        await using var command = Command($"""
            UPDATE {Runs} SET leased_by = NULL, leased_until = NULL, next_round_at = @next
            WHERE deployment_id = @id AND phase = @phase AND leased_by = @owner
            """, ("next", nextAt.ToUnixTimeMilliseconds()), ("id", Id(deploymentId)), ("phase", phase.ToString()), ("owner", owner));
        await command.ExecuteNonQueryAsync(cancel);
    }

    public async Task Finish(Guid deploymentId, AnalysisPhase phase, string owner, string outcome, CancellationToken cancel)
    {
        await using var command = Command($"""
            UPDATE {Runs} SET status = '{Finished}', outcome = @outcome, leased_by = NULL, leased_until = NULL
            WHERE deployment_id = @id AND phase = @phase AND leased_by = @owner
            """, ("outcome", outcome), ("id", Id(deploymentId)), ("phase", phase.ToString()), ("owner", owner));
        await command.ExecuteNonQueryAsync(cancel);
    }

    public async Task<int> Stop(Guid deploymentId, string why, CancellationToken cancel)
    {
        await using var command = Command($"UPDATE {Runs} SET status = '{Stopped}', stopped_because = @why WHERE deployment_id = @id AND status = '{Running}'",
            ("why", why), ("id", Id(deploymentId)));
        var stopped = await command.ExecuteNonQueryAsync(cancel);
        // A stop can overtake the request it ends (both are at-least-once): a stopped row of each phase keeps a late request from opening a run.
        foreach (var phase in Enum.GetValues<AnalysisPhase>())
        {
            await using var tombstone = Command($"""
                INSERT INTO {Runs} (deployment_id, phase, place, request, status, stopped_because, started_at, next_round_at, claims)
                VALUES (@id, @phase, '', @nothing, '{Stopped}', @why, @now, @now, 0)
                ON CONFLICT (deployment_id, phase) DO NOTHING
                """, ("id", Id(deploymentId)), ("phase", phase.ToString()), ("nothing", "{}"), ("why", why), ("now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            await tombstone.ExecuteNonQueryAsync(cancel);
        }

        return stopped;
    }

    public async Task<IReadOnlyList<KpiMeasurement>> Measurements(Guid deploymentId, AnalysisPhase phase, CancellationToken cancel)
    {
        await using var command = Command($"SELECT body FROM {MeasurementTable} WHERE deployment_id = @id AND phase = @phase ORDER BY round, metric",
            ("id", Id(deploymentId)), ("phase", phase.ToString()));
        var measurements = new List<KpiMeasurement>();
        await using var reader = await command.ExecuteReaderAsync(cancel);
        while (await reader.ReadAsync(cancel))
        {
            measurements.Add(JsonSerializer.Deserialize<KpiMeasurement>(reader.GetString(0), ContractJson.Options)!);
        }

        return measurements;
    }

    private async Task<LeaseState> WhyNotHeld(Guid deploymentId, AnalysisPhase phase, string owner, CancellationToken cancel)
    {
        await using var command = Command($"SELECT status, stopped_because, leased_by FROM {Runs} WHERE deployment_id = @id AND phase = @phase",
            ("id", Id(deploymentId)), ("phase", phase.ToString()));
        await using var reader = await command.ExecuteReaderAsync(cancel);
        if (!await reader.ReadAsync(cancel))
        {
            return LeaseState.Lost("the run no longer exists");
        }

        var status = reader.GetString(0);
        return status switch
        {
            Stopped => LeaseState.Lost(reader.IsDBNull(1) ? "stopped" : reader.GetString(1)),
            Finished => LeaseState.Lost("another replica finished it"),
            _ => LeaseState.Lost($"its lease lapsed and {(reader.IsDBNull(2) ? "nobody" : reader.GetString(2))} holds it now, not {owner}"),
        };
    }

    private static string Id(Guid id) => id.ToString("D");

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, ContractJson.Options);

    private DbCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = dataSource.CreateCommand(sql);
        Bind(command, parameters);
        return command;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        Bind(command, parameters);
        return command;
    }

    private static void Bind(DbCommand command, (string Name, object Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
    }
}
