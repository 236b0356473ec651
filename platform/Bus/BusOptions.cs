using System.ComponentModel.DataAnnotations;

namespace Bpdp.Platform.Bus;

/// <summary>Configuration section <c>Bus</c>: transport choice, retry and prefetch.</summary>
public sealed class BusOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Bus";

    /// <summary><c>Bus:Transport</c>: <c>RabbitMq</c> (default) or <c>InMemory</c>.</summary>
    public TransportKind Transport { get; set; } = TransportKind.RabbitMq;

    /// <summary><c>Bus:RetryLimit</c>: redeliveries in process before a message goes to the error queue.</summary>
    [Range(0, 100)]
    public int RetryLimit { get; set; } = 5;

    /// <summary><c>Bus:RetryMinIntervalMs</c>: the first retry's delay; later ones grow exponentially.</summary>
    [Range(0, 600_000)]
    public int RetryMinIntervalMs { get; set; } = 200;

    /// <summary><c>Bus:RetryMaxIntervalMs</c>: the longest delay between two retries.</summary>
    [Range(0, 3_600_000)]
    public int RetryMaxIntervalMs { get; set; } = 10_000;

    /// <summary><c>Bus:StartTimeoutSeconds</c>: how long start-up waits for the broker before the service gives up.</summary>
    [Range(1, 3600)]
    public int StartTimeoutSeconds { get; set; } = 60;

    /// <summary><c>Bus:PrefetchCount</c>: messages a consumer holds unacknowledged per queue.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 16;
}
