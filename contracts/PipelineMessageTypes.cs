namespace Bpdp.Contracts;

/// <summary>The catalogue of pipeline messages: every concrete <see cref="IPipelineMessage"/> in this assembly.</summary>
public static class PipelineMessageTypes
{
    /// <summary>Every message type, ordered by name.</summary>
    public static IReadOnlyList<Type> All { get; } = typeof(IPipelineMessage).Assembly.GetExportedTypes()
        .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(IPipelineMessage).IsAssignableFrom(type))
        .OrderBy(type => type.Name, StringComparer.Ordinal)
        .ToArray();

    /// <summary>The MassTransit message URN of <paramref name="type"/>, which names its exchange on RabbitMQ.</summary>
    public static string MessageUrn(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return $"urn:message:{type.Namespace}:{type.Name}";
    }

    /// <summary>The RabbitMQ exchange a message of <paramref name="type"/> is published to.</summary>
    public static string ExchangeName(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return $"{type.Namespace}:{type.Name}";
    }
}
