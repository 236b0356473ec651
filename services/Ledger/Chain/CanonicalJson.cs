using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bpdp.Ledger.Chain;

/// <summary>
/// The form payloads are stored and hashed in, in the manner of RFC 8785: object members sorted by
/// name (ordinal, UTF-16), no insignificant whitespace, strings escaped minimally. The same message
/// always gives the same bytes, whichever wire format carried it.
/// </summary>
public static class CanonicalJson
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    public static string From(JsonNode node) => Sorted(node)?.ToJsonString(Compact) ?? "null";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Sorted)]),
        null => null,
        _ => node.DeepClone(),
    };
}
