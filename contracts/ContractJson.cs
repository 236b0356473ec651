using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bpdp.Contracts;

/// <summary>
/// The JSON rules of the wire format: camelCase names, enums as their names (never numbers), every non-optional field
/// required and non-nullable fields never null. The bus serializer and the schemas both use them, so
/// what the schemas promise is what consumers enforce.
/// </summary>
public static class ContractJson
{
    /// <summary>Shared, read-only options for serializing and deserializing contract messages.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Applies the wire rules to <paramref name="options"/> (for serializers that own their options).</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;

        // Enums travel as names only: a number would be read as any value of the underlying type, named or not. First, so that
        // no converter a bus serializer brought along reads them before it.
        options.Converters.Insert(0, new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
        return options;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
