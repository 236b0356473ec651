using System.Data.Common;
using Bpdp.Platform.Storage;
using Npgsql;

namespace Bpdp.KpiGate.Runs;

/// <summary>The run tables, created if missing; the same columns in PostgreSQL and SQLite.</summary>
public static class AnalysisTables
{
    public static async Task Create(DbDataSource dataSource, AnalysisStoreKind kind, string tablePrefix, string schema, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var ddl = $"""
            CREATE TABLE IF NOT EXISTS {tablePrefix}kpigate_approvals (
                deployment_id text   PRIMARY KEY,
                body          text   NOT NULL,
                recorded_at   bigint NOT NULL);
            CREATE TABLE IF NOT EXISTS {tablePrefix}kpigate_runs (
                deployment_id   text    NOT NULL,
                phase           text    NOT NULL,
                place           text    NOT NULL,
                request         text    NOT NULL,
                status          text    NOT NULL,
                stopped_because text    NULL,
                outcome         text    NULL,
                started_at      bigint  NOT NULL,
                next_round_at   bigint  NOT NULL,
                leased_by       text    NULL,
                leased_until    bigint  NULL,
                claims          integer NOT NULL,
                PRIMARY KEY (deployment_id, phase));
            CREATE INDEX IF NOT EXISTS kpigate_runs_due ON {tablePrefix}kpigate_runs (next_round_at) WHERE status = 'Running';
            CREATE TABLE IF NOT EXISTS {tablePrefix}kpigate_measurements (
                deployment_id text    NOT NULL,
                phase         text    NOT NULL,
                round         integer NOT NULL,
                metric        text    NOT NULL,
                body          text    NOT NULL,
                PRIMARY KEY (deployment_id, phase, round, metric));
            """;
        await TableScript.Run(dataSource, kind == AnalysisStoreKind.Postgres, schema, ddl, 74210019, cancel);
    }

    /// <summary>The data source <c>KpiGate:Store</c> and <c>KpiGate:ConnectionString</c> name.</summary>
    public static DbDataSource DataSource(AnalysisStoreKind kind, string connectionString) =>
        kind == AnalysisStoreKind.Postgres ? NpgsqlDataSource.Create(connectionString) : Microsoft.Data.Sqlite.SqliteFactory.Instance.CreateDataSource(connectionString);

    public static string TablePrefix(AnalysisStoreKind kind, string schema) => kind == AnalysisStoreKind.Postgres ? $"{schema}." : "";
}
