namespace Bpdp.Notifier.Store;

/// <summary>Where notifications are kept until delivered: <c>Notifier:Store</c>.</summary>
public enum NotificationStoreKind
{
    /// <summary>A SQLite file: one Notifier process (the embedded mode, a single host).</summary>
    Sqlite,

    /// <summary>PostgreSQL: every Notifier replica delivers from the same table.</summary>
    Postgres,
}
