using System.Data.Common;

namespace Bpdp.Notifier.Store;

/// <summary>The Notifier's own connection pool, so a host that also holds another stage's never hands it the wrong database.</summary>
public sealed class NotificationDataSource(DbDataSource source) : IAsyncDisposable
{
    public DbDataSource Source { get; } = source;

    public ValueTask DisposeAsync() => Source.DisposeAsync();
}
