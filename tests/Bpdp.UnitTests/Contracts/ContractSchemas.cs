using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Bpdp.Contracts;

namespace Bpdp.UnitTests.Contracts;

/// <summary>
/// Generates the JSON Schema (draft 2020-12) of each message from its record, with the wire rules of
/// <see cref="ContractJson"/> and the descriptions from the XML documentation. The files in
/// <c>contracts/schemas/</c> are this output; a test fails when they drift apart.
/// </summary>
public static class ContractSchemas
{
    // Schemas are documents for people: keep '+' and '<' readable rather than \u-escaped.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The file name of the schema of <paramref name="messageType"/>, e.g. <c>ArtifactApproved.schema.json</c>.</summary>
    public static string FileName(Type messageType)
    {
        ArgumentNullException.ThrowIfNull(messageType);
        return $"{messageType.Name}.schema.json";
    }

    /// <summary>The schema of <paramref name="messageType"/> as indented JSON text ending in a line feed.</summary>
    public static string Generate(Type messageType)
    {
        ArgumentNullException.ThrowIfNull(messageType);
        var docs = XmlDocs.For(messageType.Assembly);
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) => Describe(context, node, docs),
        };
        var schema = ContractJson.Options.GetJsonSchemaAsNode(messageType, exporter).AsObject();

        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = $"urn:bpdp:schema:{messageType.Name}",
            ["title"] = messageType.Name,
            ["x-messageType"] = PipelineMessageTypes.MessageUrn(messageType),
            ["x-exchange"] = PipelineMessageTypes.ExchangeName(messageType),
        };
        foreach (var (name, value) in schema.ToList())
        {
            schema.Remove(name);
            root[name] = value;
        }

        return root.ToJsonString(Indented).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    private static JsonNode Describe(JsonSchemaExporterContext context, JsonNode node, XmlDocs docs)
    {
        if (node is not JsonObject schema)
        {
            return node;
        }

        var property = context.PropertyInfo;
        var description = property is null
            ? docs.TypeSummary(context.TypeInfo.Type)
            : property.AttributeProvider is MemberInfo member ? docs.PropertySummary(property.DeclaringType, member.Name) : null;
        if (description is not null && !schema.ContainsKey("description"))
        {
            schema.Insert(0, "description", description);
        }

        var maxLength = property?.AttributeProvider?.GetCustomAttributes(typeof(MaxLengthAttribute), inherit: true)
            .OfType<MaxLengthAttribute>().FirstOrDefault();
        if (maxLength is not null)
        {
            schema["maxLength"] = maxLength.Length;
        }

        return schema;
    }
}
