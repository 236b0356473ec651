using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.Testing;

namespace Bpdp.UnitTests.Contracts;

/// <summary>
/// The committed schemas in contracts/schemas are what outside publishers code against. A contract
/// record that changes without its schema being regenerated fails here. To regenerate:
/// <c>BPDP_WRITE_SCHEMAS=1 dotnet test tests/Bpdp.UnitTests --filter ContractSchemaTests</c>.
/// </summary>
public sealed class ContractSchemaTests
{
    private static readonly string SchemaFolder = Path.Combine(RepositoryRoot.Path, "contracts", "schemas");

    public static TheoryData<string> MessageNames() => [.. PipelineMessageTypes.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Committed_schema_matches_the_contract_record(string messageName)
    {
        var type = PipelineMessageTypes.All.Single(t => t.Name == messageName);
        var path = Path.Combine(SchemaFolder, ContractSchemas.FileName(type));
        var generated = ContractSchemas.Generate(type);

        if (Environment.GetEnvironmentVariable("BPDP_WRITE_SCHEMAS") == "1")
        {
            File.WriteAllText(path, generated);
        }

        Assert.True(File.Exists(path), $"{path} is missing: regenerate the schemas (BPDP_WRITE_SCHEMAS=1, see contracts/README.md).");
        Assert.True(
            File.ReadAllText(path) == generated,
            $"{path} no longer matches the {messageName} record: regenerate the schemas (BPDP_WRITE_SCHEMAS=1, see contracts/README.md).");
    }

    [Fact]
    public void Every_schema_file_belongs_to_a_message()
    {
        var expected = PipelineMessageTypes.All.Select(ContractSchemas.FileName).ToHashSet();
        var stale = Directory.GetFiles(SchemaFolder, "*.schema.json").Select(Path.GetFileName).Where(f => !expected.Contains(f!));
        Assert.Empty(stale);
    }

    [Fact]
    public void A_changed_record_produces_a_different_schema()
    {
        // The drift check compares generated text, so it must notice an added field and a changed type.
        var original = ContractSchemas.Generate(typeof(Original.Message));
        Assert.Equal(original, ContractSchemas.Generate(typeof(Original.Message)));
        Assert.NotEqual(original, ContractSchemas.Generate(typeof(FieldAdded.Message)));
        Assert.NotEqual(original, ContractSchemas.Generate(typeof(TypeChanged.Message)));
    }

    [Fact]
    public void Schema_marks_every_non_optional_field_required_and_bounds_the_inline_policy()
    {
        var schema = JsonNode.Parse(ContractSchemas.Generate(typeof(ArtifactApproved)))!.AsObject();

        var required = schema["required"]!.AsArray().Select(n => n!.GetValue<string>()).ToHashSet();
        Assert.Superset(new HashSet<string> { "deploymentId", "occurredAt", "policyYaml", "policySha256", "signature", "approvedAt" }, required);
        Assert.Equal(ArtifactApproved.MaxPolicyYamlBytes, schema["properties"]!["policyYaml"]!["maxLength"]!.GetValue<int>());
        Assert.Equal("urn:message:Bpdp.Contracts:ArtifactApproved", schema["x-messageType"]!.GetValue<string>());
        Assert.Null(schema["properties"]!["target"]);
        Assert.Contains("approval system", schema["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
