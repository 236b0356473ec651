using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bpdp.Testing.Kubernetes;

/// <summary>JSON as the API server writes it: quotes in messages as <c>\"</c>, not <c>\u0022</c>.</summary>
internal static class ApiJson
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(JsonNode node) => node.ToJsonString(Options);
}
