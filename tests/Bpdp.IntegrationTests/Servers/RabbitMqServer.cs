using RabbitMQ.Client;

namespace Bpdp.IntegrationTests.Servers;

/// <summary>A running RabbitMQ broker, by its AMQP URI.</summary>
public sealed record RabbitMqServer(Uri Amqp)
{
    /// <summary>The settings a BPDP service reads to reach this broker.</summary>
    public Dictionary<string, string?> ServiceSettings()
    {
        var credentials = Uri.UnescapeDataString(Amqp.UserInfo).Split(':', 2);
        var virtualHost = Uri.UnescapeDataString(Amqp.AbsolutePath.TrimStart('/'));
        return new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["RabbitMq:Host"] = Amqp.Host,
            ["RabbitMq:Port"] = Amqp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RabbitMq:VirtualHost"] = virtualHost.Length == 0 ? "/" : virtualHost,
            ["RabbitMq:Username"] = credentials[0],
            ["RabbitMq:Password"] = credentials.Length > 1 ? credentials[1] : "",
            ["Bus:RetryLimit"] = "2",
            ["Bus:RetryMinIntervalMs"] = "50",
            ["Bus:RetryMaxIntervalMs"] = "200",
        };
    }

    /// <summary>A plain RabbitMQ.Client connection, as a non-.NET-style outside publisher would hold.</summary>
    public Task<IConnection> Connect() => new ConnectionFactory { Uri = Amqp }.CreateConnectionAsync();
}
