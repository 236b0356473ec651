using Bpdp.Platform.Bus.Identity;
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
        // One broker user plays every identity here: every stage accepts its messages as its owner's.
        return new Dictionary<string, string?>(SenderOptions.AllAs(credentials[0]))
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

    /// <summary>The broker's management API (<c>BPDP_TEST_RABBITMQ_MANAGEMENT</c>, else port 15672 of its host).</summary>
    public Uri Management => new(Environment.GetEnvironmentVariable("BPDP_TEST_RABBITMQ_MANAGEMENT") ?? $"http://{Amqp.Host}:15672/");

    /// <summary>The password of <see cref="User"/>.</summary>
    public string Password => Uri.UnescapeDataString(Amqp.UserInfo).Split(':', 2) is [_, var password] ? password : "";

    /// <summary>The broker user of <see cref="Amqp"/>.</summary>
    public string User => Uri.UnescapeDataString(Amqp.UserInfo).Split(':', 2)[0];

    /// <summary>A plain RabbitMQ.Client connection, as a non-.NET-style outside publisher would hold.</summary>
    public Task<IConnection> Connect() => new ConnectionFactory { Uri = Amqp }.CreateConnectionAsync();

    /// <summary>A plain connection as another broker user.</summary>
    public Task<IConnection> ConnectAs(string user, string password) =>
        new ConnectionFactory { Uri = Amqp, UserName = user, Password = password }.CreateConnectionAsync();

    /// <summary>The settings that make a service connect as another broker user.</summary>
    public Dictionary<string, string?> ServiceSettingsAs(string user, string password)
    {
        var settings = ServiceSettings();
        settings["RabbitMq:Username"] = user;
        settings["RabbitMq:Password"] = password;
        return settings;
    }
}
