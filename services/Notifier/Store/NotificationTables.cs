using System.Data.Common;
using Bpdp.Platform.Storage;
using Npgsql;

namespace Bpdp.Notifier.Store;

/// <summary>The notification tables, created if missing; the same columns in PostgreSQL and SQLite (times are Unix milliseconds).</summary>
public static class NotificationTables
{
    public static async Task Create(DbDataSource dataSource, NotificationStoreKind kind, string schema, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var prefix = TablePrefix(kind, schema);
        var ddl = $"""
            CREATE TABLE IF NOT EXISTS {prefix}notifier_deployments (
                deployment_id text   PRIMARY KEY,
                target        text   NOT NULL,
                measurements  text   NULL);
            CREATE TABLE IF NOT EXISTS {prefix}notifier_notifications (
                id              text    PRIMARY KEY,
                deployment_id   text    NOT NULL,
                body            text    NOT NULL,
                status          text    NOT NULL,
                attempts        integer NOT NULL,
                next_attempt_at bigint  NOT NULL,
                leased_by       text    NULL,
                leased_until    bigint  NULL,
                last_error      text    NULL,
                created_at      bigint  NOT NULL,
                finished_at     bigint  NULL);
            CREATE INDEX IF NOT EXISTS notifier_notifications_due ON {prefix}notifier_notifications (next_attempt_at) WHERE status = 'Pending';
            CREATE INDEX IF NOT EXISTS notifier_notifications_deployment ON {prefix}notifier_notifications (deployment_id);
            """;
        await TableScript.Run(dataSource, kind == NotificationStoreKind.Postgres, schema, ddl, 74210020, cancel);
    }

    /// <summary>The data source <c>Notifier:Store</c> and <c>Notifier:ConnectionString</c> name.</summary>
    public static DbDataSource DataSource(NotificationStoreKind kind, string connectionString) =>
        kind == NotificationStoreKind.Postgres ? NpgsqlDataSource.Create(connectionString) : Microsoft.Data.Sqlite.SqliteFactory.Instance.CreateDataSource(connectionString);

    public static string TablePrefix(NotificationStoreKind kind, string schema) => kind == NotificationStoreKind.Postgres ? $"{schema}." : "";
}
