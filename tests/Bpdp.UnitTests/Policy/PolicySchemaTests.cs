using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bpdp.Testing;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bpdp.UnitTests.Policy;

/// <summary>The editors' JSON Schema agrees with the parser: valid examples conform, structural mistakes do not.</summary>
public sealed partial class PolicySchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "policy", "policy-module.schema.json")));

    [Theory]
    [InlineData("haz-fast/v1.0.0.yaml")]
    [InlineData("haz-fast/v1.1.0.yaml")]
    [InlineData("haz-fast/v1.0.1.yaml")]
    [InlineData("haz-fast/v1.2.0.yaml")]
    public void Valid_examples_conform_to_the_schema(string example)
    {
        var result = Schema.Evaluate(System.Text.Json.JsonSerializer.SerializeToElement(Load(example)), new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, string.Join("\n", result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? []));
    }

    [Theory]
    [InlineData("invalid/unknown-field.yaml")]
    [InlineData("invalid/bad-metadata.yaml")]
    [InlineData("invalid/bad-values.yaml")]
    [InlineData("invalid/wrong-kind.yaml")]
    public void Structural_mistakes_do_not_conform(string example)
    {
        Assert.False(Schema.Evaluate(System.Text.Json.JsonSerializer.SerializeToElement(Load(example))).IsValid);
    }

    private static JsonNode Load(string example)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "examples", example))));
        return ToJson(stream.Documents[0].RootNode)!;
    }

    // YAML 1.2 core schema, as the policy parser reads it.
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted } quoted => JsonValue.Create(quoted.Value),
        YamlScalarNode { Value: "true" or "false" } flag => JsonValue.Create(flag.Value == "true"),
        YamlScalarNode { Value: "null" or "~" or "" } => null,
        YamlScalarNode scalar when Number().IsMatch(scalar.Value!) => JsonValue.Create(double.Parse(scalar.Value!, CultureInfo.InvariantCulture)),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidOperationException($"unexpected node {node.NodeType}"),
    };

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Number();
}
