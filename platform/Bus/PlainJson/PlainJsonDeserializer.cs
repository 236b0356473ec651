using System.Net.Mime;
using MassTransit;
using MassTransit.Serialization;

namespace Bpdp.Platform.Bus.PlainJson;

/// <summary>
/// Reads a plain <c>application/json</c> body as the message type it was published as (see
/// <see cref="DeclaredMessageType"/>), so that on a queue that consumes several types only that type's
/// consumer sees it: without this, every consumer of the queue tries the body, and each that cannot read it
/// parks a copy in the error queue. A body that declares nothing is offered to every consumer, as before.
/// </summary>
internal sealed class PlainJsonDeserializer : IMessageDeserializer
{
    private readonly SystemTextJsonRawMessageSerializer inner = new(RawSerializerOptions.AddTransportHeaders);

    public ContentType ContentType => SystemTextJsonRawMessageSerializer.JsonContentType;

    public void Probe(ProbeContext context) => context.CreateScope("plain-json").Add("contentType", ContentType.MediaType);

    public ConsumeContext Deserialize(ReceiveContext receiveContext)
    {
        ArgumentNullException.ThrowIfNull(receiveContext);
        return new BodyConsumeContext(receiveContext, Deserialize(receiveContext.Body, Typed(receiveContext), receiveContext.InputAddress));
    }

    public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null) => inner.Deserialize(body, headers, destinationAddress);

    public MessageBody GetMessageBody(string text) => inner.GetMessageBody(text);

    private static Headers Typed(ReceiveContext receiveContext)
    {
        string? exchange = null, amqpType = null;
        if (receiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit))
        {
            exchange = rabbit.Exchange;
            amqpType = rabbit.Properties.Type;
        }

        var urns = DeclaredMessageType.Urns(exchange, amqpType);
        return urns.Length == 0 ? receiveContext.TransportHeaders : new TypedHeaders(receiveContext.TransportHeaders, string.Join(';', urns));
    }
}
