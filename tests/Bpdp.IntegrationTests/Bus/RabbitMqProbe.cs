using System.Text;
using Bpdp.Contracts;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Bpdp.IntegrationTests.Bus;

/// <summary>Plain RabbitMQ.Client access: publishing as an outside system does, and reading error queues.</summary>
public sealed class RabbitMqProbe : IAsyncDisposable
{
    private readonly IConnection connection;
    private readonly IChannel channel;
    private readonly string user;

    private RabbitMqProbe(IConnection connection, IChannel channel, string user)
    {
        this.connection = connection;
        this.channel = channel;
        this.user = user;
    }

    public static async Task<RabbitMqProbe> Connect(RabbitMqServer server)
    {
        var connection = await server.Connect();
        return new RabbitMqProbe(connection, await connection.CreateChannelAsync(), server.User);
    }

    /// <summary>Publishes <paramref name="body"/> to the message type's exchange exactly as contracts/README.md tells outside publishers to.</summary>
    public async Task PublishRawJson(Type messageType, string body, string messageId)
    {
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            MessageId = messageId,
            UserId = user,
            DeliveryMode = DeliveryModes.Persistent,
        };
        await channel.BasicPublishAsync(PipelineMessageTypes.ExchangeName(messageType), routingKey: "", mandatory: false, properties, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>Waits for the next message in <paramref name="queue"/>, which may not exist yet, and takes it.</summary>
    public async Task<BasicGetResult> NextIn(string queue)
    {
        BasicGetResult? result = null;
        await Eventually.Holds(async () => (result = await TryGet(queue)) is not null, $"a message arrives in {queue}");
        return result!;
    }

    // MassTransit declares an error queue on the first error; asking for a missing queue closes the channel, so each try has its own.
    private async Task<BasicGetResult?> TryGet(string queue)
    {
        await using var attempt = await connection.CreateChannelAsync();
        try
        {
            return await attempt.BasicGetAsync(queue, autoAck: true);
        }
        catch (OperationInterruptedException missing) when (missing.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            return null;
        }
    }

    /// <summary>A header of a received message as text (RabbitMQ carries strings as bytes).</summary>
    public static string? Header(BasicGetResult message, string name) =>
        message.BasicProperties.Headers?.TryGetValue(name, out var value) == true
            ? value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                null => null,
                _ => value.ToString(),
            }
            : null;

    /// <summary>Removes what a probe stage left on the broker: its queues and exchanges.</summary>
    public async Task DeleteStage(string queue)
    {
        foreach (var name in new[] { queue, $"{queue}_error", $"{queue}_skipped" })
        {
            await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false);
            await channel.ExchangeDeleteAsync(name, ifUnused: false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await channel.DisposeAsync();
        await connection.DisposeAsync();
    }
}
