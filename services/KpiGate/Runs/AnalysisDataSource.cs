using System.Data.Common;

namespace Bpdp.KpiGate.Runs;

/// <summary>The KpiGate's own connection pool, so a host that also holds the Coordinator's or the Ledger's never hands it the wrong database.</summary>
public sealed class AnalysisDataSource(DbDataSource source) : IAsyncDisposable
{
    public DbDataSource Source { get; } = source;

    public ValueTask DisposeAsync() => Source.DisposeAsync();
}
