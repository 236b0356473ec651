using System.ComponentModel.DataAnnotations;
using Bpdp.Notifier.Routing;
using Bpdp.Notifier.Sinks;
using Bpdp.Notifier.Store;
using Bpdp.Platform.Bus;

namespace Bpdp.Notifier;

/// <summary>Configuration section <c>Notifier</c>: which events reach which sinks, and how hard delivery tries.</summary>
public sealed class NotifierOptions : IStageOptions
{
    public const string Section = "Notifier";

    /// <summary><c>Notifier:Queue</c>: the queue the Notifier reads; undeliverable notifications are copied to <c>&lt;queue&gt;_error</c>.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9._-]*$", ErrorMessage = "Notifier:Queue must be a lowercase queue name.")]
    public string Queue { get; set; } = "notifier";

    /// <summary><c>Notifier:ConsoleUrl</c>: the console's address; each notification links to <c>&lt;ConsoleUrl&gt;/deployments/&lt;id&gt;</c>.</summary>
    public Uri? ConsoleUrl { get; set; }

    /// <summary><c>Notifier:Routes</c>: which agency and environment, which triggers, which sinks.</summary>
    public List<NotificationRoute> Routes { get; set; } = [];

    /// <summary><c>Notifier:Sinks:&lt;name&gt;</c>: where notifications go, by the name routes use.</summary>
    public Dictionary<string, SinkOptions> Sinks { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>Notifier:Store</c>: where notifications wait for delivery — <c>Sqlite</c> (one process) or <c>Postgres</c> (replicas).</summary>
    public NotificationStoreKind Store { get; set; } = NotificationStoreKind.Sqlite;

    /// <summary><c>Notifier:ConnectionString</c>: the SQLite file or the PostgreSQL database.</summary>
    [Required]
    public string ConnectionString { get; set; } = "Data Source=bpdp-notifier.db";

    /// <summary><c>Notifier:Schema</c>: the PostgreSQL schema of the notification tables.</summary>
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "Notifier:Schema must be a plain lowercase SQL identifier.")]
    public string Schema { get; set; } = "notifier";

    /// <summary><c>Notifier:Attempts</c>: deliveries tried per notification before it is declared undeliverable.</summary>
    [Range(1, 100)]
    public int Attempts { get; set; } = 8;

    /// <summary><c>Notifier:FirstRetrySeconds</c>: the wait after the first failed attempt; it doubles with each failure.</summary>
    [Range(0.05, 3600)]
    public double FirstRetrySeconds { get; set; } = 2;

    /// <summary><c>Notifier:MaxRetrySeconds</c>: the longest wait between two attempts.</summary>
    [Range(0.05, 86_400)]
    public double MaxRetrySeconds { get; set; } = 600;

    /// <summary><c>Notifier:TimeoutSeconds</c>: how long one attempt may take before it counts as failed.</summary>
    [Range(1, 300)]
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary><c>Notifier:PollMilliseconds</c>: how often a replica looks for notifications that are due.</summary>
    [Range(50, 60_000)]
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary><c>Notifier:MaxConcurrentDeliveries</c>: attempts one replica makes at once, so one slow sink does not hold up the others.</summary>
    [Range(1, 1000)]
    public int MaxConcurrentDeliveries { get; set; } = 16;
}
