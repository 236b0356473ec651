using System.Data.Common;

namespace Bpdp.Platform.Storage;

/// <summary>
/// Runs a stage's CREATE … IF NOT EXISTS script: in PostgreSQL inside a transaction under an advisory lock, after its
/// schema, because two replicas starting at once would race on the catalog; in SQLite after switching to WAL.
/// </summary>
public static class TableScript
{
    /// <param name="dataSource">The stage's own database.</param>
    /// <param name="postgres">PostgreSQL (else SQLite).</param>
    /// <param name="schema">The PostgreSQL schema to create first; ignored for SQLite.</param>
    /// <param name="ddl">The statements, each idempotent.</param>
    /// <param name="lockKey">The advisory lock this stage's replicas take turns on.</param>
    /// <param name="cancel">Stops it.</param>
    public static async Task Run(DbDataSource dataSource, bool postgres, string schema, string ddl, long lockKey, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var sql = postgres
            ? $"SELECT pg_advisory_xact_lock({lockKey}); CREATE SCHEMA IF NOT EXISTS {schema}; {ddl}"
            : $"PRAGMA journal_mode = WAL; {ddl}";
        await using var connection = await dataSource.OpenConnectionAsync(cancel);
        await using var transaction = postgres ? await connection.BeginTransactionAsync(cancel) : null;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancel);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancel);
        }
    }
}
