namespace Bpdp.Platform.Bus;

/// <summary>Which message transport a service uses.</summary>
public enum TransportKind
{
    /// <summary>RabbitMQ, configured under <c>RabbitMq</c>: production and integration tests.</summary>
    RabbitMq,

    /// <summary>MassTransit's in-memory transport: one process, the embedded mode and unit tests.</summary>
    InMemory,
}
