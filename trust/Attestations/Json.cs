using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bpdp.Trust.Attestations;

/// <summary>Reading evidence JSON defensively: a duplicate key is refused (two readers could take different values), and a missing or mistyped member is null.</summary>
internal static class Json
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    public static JsonNode? Parse(byte[] content)
    {
        try
        {
            return JsonNode.Parse(content, documentOptions: Strict);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static JsonNode? Member(JsonNode? node, string name) => node is JsonObject members ? members[name] : null;

    public static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
