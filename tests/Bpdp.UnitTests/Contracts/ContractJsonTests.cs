using System.Text.Json;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.Testing;

namespace Bpdp.UnitTests.Contracts;

public sealed class ContractJsonTests
{
    [Fact]
    public void Approval_round_trips_with_camel_case_names()
    {
        var approval = Samples.Approval();

        var json = JsonSerializer.Serialize(approval, ContractJson.Options);
        var back = JsonSerializer.Deserialize<ArtifactApproved>(json, ContractJson.Options);

        Assert.Equal(approval, back);
        Assert.Contains("\"policySha256\":", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"target\":", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_required_field_is_an_error_naming_it()
    {
        var json = JsonNode.Parse(JsonSerializer.Serialize(Samples.Approval(), ContractJson.Options))!.AsObject();
        json.Remove("policySha256");

        var error = Assert.Throws<JsonException>(() => json.Deserialize<ArtifactApproved>(ContractJson.Options));
        Assert.Contains("policySha256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_for_a_non_nullable_field_is_an_error()
    {
        var json = JsonNode.Parse(JsonSerializer.Serialize(Samples.Approval(), ContractJson.Options))!.AsObject();
        json["agency"] = null;

        Assert.Throws<JsonException>(() => json.Deserialize<ArtifactApproved>(ContractJson.Options));
    }

    [Fact]
    public void Enums_travel_as_their_names()
    {
        var cutOver = new TrafficCutOver(Guid.NewGuid(), DateTimeOffset.UtcNow, Samples.Approval().Target, Color.Green, Color.Blue, TimeSpan.FromMilliseconds(12));

        var json = JsonSerializer.Serialize(cutOver, ContractJson.Options);

        Assert.Contains("\"liveColor\":\"Green\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2061402440")]
    [InlineData("\"7\"")]
    [InlineData("\"Purple\"")]
    public void An_enum_sent_as_a_number_or_an_unknown_name_is_refused_naming_the_field(string liveColor)
    {
        var json = JsonNode.Parse(JsonSerializer.Serialize(new TrafficCutOver(Guid.NewGuid(), DateTimeOffset.UtcNow, Samples.Approval().Target, Color.Green, Color.Blue,
            TimeSpan.FromMilliseconds(12)), ContractJson.Options))!.AsObject();
        json["liveColor"] = JsonNode.Parse(liveColor);

        var error = Assert.Throws<JsonException>(() => json.Deserialize<TrafficCutOver>(ContractJson.Options));

        Assert.Equal("$.liveColor", error.Path);
    }

    [Fact]
    public void The_bus_serializer_with_the_wire_rules_applied_refuses_an_enum_sent_as_a_number_too()
    {
        var options = ContractJson.Apply(new JsonSerializerOptions(MassTransit.Serialization.SystemTextJsonMessageSerializer.Options));
        var json = JsonNode.Parse(JsonSerializer.Serialize(new TrafficCutOver(Guid.NewGuid(), DateTimeOffset.UtcNow, Samples.Approval().Target, Color.Green, Color.Blue,
            TimeSpan.FromMilliseconds(12)), options))!.AsObject();
        json["liveColor"] = 1;

        Assert.Equal("$.liveColor", Assert.Throws<JsonException>(() => json.Deserialize<TrafficCutOver>(options)).Path);
    }

    [Fact]
    public void Every_message_implements_the_shared_interface_and_lives_in_the_contracts_namespace()
    {
        Assert.True(PipelineMessageTypes.All.Count >= 19, $"only {PipelineMessageTypes.All.Count} messages found");
        Assert.All(PipelineMessageTypes.All, type =>
        {
            Assert.Equal("Bpdp.Contracts", type.Namespace);
            Assert.True(typeof(IPipelineMessage).IsAssignableFrom(type));
        });
    }
}
