using System.Net.Mime;
using MassTransit;
using MassTransit.Serialization;

namespace Bpdp.Platform.Bus.PlainJson;

/// <summary>Registers <see cref="PlainJsonDeserializer"/> for <c>application/json</c>; what the stages send stays MassTransit's envelope.</summary>
internal sealed class PlainJsonSerializerFactory : ISerializerFactory
{
    public ContentType ContentType => SystemTextJsonRawMessageSerializer.JsonContentType;

    public IMessageSerializer CreateSerializer() => new SystemTextJsonRawMessageSerializer(RawSerializerOptions.AddTransportHeaders);

    public IMessageDeserializer CreateDeserializer() => new PlainJsonDeserializer();
}
