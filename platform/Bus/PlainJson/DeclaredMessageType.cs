using Bpdp.Contracts;
using MassTransit;

namespace Bpdp.Platform.Bus.PlainJson;

/// <summary>
/// What a plain JSON body (which names no type) is, from where it was sent: the contract exchange it was
/// published to (<c>Bpdp.Contracts:ArtifactApproved</c>), or else the AMQP <c>type</c> property
/// (<c>ArtifactApproved</c> or <c>urn:message:Bpdp.Contracts:ArtifactApproved</c>) of a body sent straight to a queue.
/// </summary>
public static class DeclaredMessageType
{
    private const string ExchangePrefix = "Bpdp.Contracts:";
    private const string UrnPrefix = "urn:message:Bpdp.Contracts:";

    private static readonly Dictionary<string, Type> ContractsByName = typeof(IPipelineMessage).Assembly.GetExportedTypes()
        .Where(type => type is { IsClass: true, IsAbstract: false } && type.Namespace == typeof(IPipelineMessage).Namespace)
        .ToDictionary(type => type.Name, StringComparer.Ordinal);

    /// <summary>
    /// The message type URNs a consumer may read the body as: the type and the contract interfaces it implements,
    /// as a MassTransit envelope would list them; a name that is no contract yields only its own URN, which nothing
    /// consumes; empty when nothing is declared.
    /// </summary>
    public static string[] Urns(string? exchange, string? amqpType)
    {
        var name = NameFrom(exchange, ExchangePrefix) ?? NameFrom(amqpType, UrnPrefix) ?? NameFrom(amqpType, ExchangePrefix) ?? PlainName(amqpType);
        if (name is null)
        {
            return [];
        }

        if (!ContractsByName.TryGetValue(name, out var type))
        {
            return [UrnPrefix + name];
        }

        return [MessageUrn.ForTypeString(type), .. type.GetInterfaces().Where(i => i.Namespace == type.Namespace).Select(MessageUrn.ForTypeString)];
    }

    private static string? NameFrom(string? value, string prefix) =>
        value is not null && value.StartsWith(prefix, StringComparison.Ordinal) && value.Length > prefix.Length ? value[prefix.Length..] : null;

    private static string? PlainName(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.All(char.IsAsciiLetterOrDigit) ? value : null;
}
