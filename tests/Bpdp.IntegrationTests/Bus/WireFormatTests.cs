using System.Text.Json;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.IntegrationTests.Bus;

/// <summary>An approval system that is not .NET publishes plain JSON; a .NET one may publish MassTransit envelopes. Both must work.</summary>
[Collection(RealServersCollection.Name)]
public sealed class WireFormatTests(RealServers servers)
{
    private static readonly string ExampleBody = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "contracts", "examples", "ArtifactApproved.json"));

    [Fact]
    public async Task Raw_json_approval_published_with_plain_RabbitMQ_client_is_consumed_with_every_field_intact()
    {
        var rabbit = await servers.RabbitMq();
        var stage = new ProbeStage();
        var sink = new MessageSink();
        await using var app = TestHost.Build(rabbit.ServiceSettings(), stage.AddTo, sink);
        await app.StartAsync();
        await using var probe = await RabbitMqProbe.Connect(rabbit);
        var deploymentId = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        var body = WithDeploymentId(ExampleBody, deploymentId);

        await probe.PublishRawJson(typeof(ArtifactApproved), body, messageId.ToString());

        var received = await sink.WaitFor<ArtifactApproved>(nameof(ProbeStage.ApprovalProbeConsumer), m => m.DeploymentId == deploymentId);
        var expected = JsonSerializer.Deserialize<ArtifactApproved>(body, ContractJson.Options);
        Assert.Equal(expected, received.Message);
        Assert.Equal(messageId, received.MessageId);
        Assert.Equal(JsonNode.Parse(body)!["policyYaml"]!.GetValue<string>(), received.Message.PolicyYaml);
        await app.StopAsync();
        await probe.DeleteStage(stage.Queue);
    }

    [Fact]
    public async Task MassTransit_envelope_approval_is_consumed_with_every_field_intact()
    {
        var rabbit = await servers.RabbitMq();
        var stage = new ProbeStage();
        var sink = new MessageSink();
        await using var consumerHost = TestHost.Build(rabbit.ServiceSettings(), stage.AddTo, sink);
        await using var publisherHost = TestHost.Build(rabbit.ServiceSettings(), _ => { });
        await consumerHost.StartAsync();
        await publisherHost.StartAsync();
        var approval = JsonSerializer.Deserialize<ArtifactApproved>(WithDeploymentId(ExampleBody, Guid.NewGuid()), ContractJson.Options)!;

        await publisherHost.Services.GetRequiredService<IPublishEndpoint>().Publish(approval);

        var received = await sink.WaitFor<ArtifactApproved>(nameof(ProbeStage.ApprovalProbeConsumer), m => m.DeploymentId == approval.DeploymentId);
        Assert.Equal(approval, received.Message);
        Assert.Equal("application/vnd.masstransit+json", received.ReceiveContext.ContentType?.MediaType);
        await publisherHost.StopAsync();
        await consumerHost.StopAsync();
        await using var probe = await RabbitMqProbe.Connect(rabbit);
        await probe.DeleteStage(stage.Queue);
    }

    internal static string WithDeploymentId(string body, Guid deploymentId)
    {
        var json = JsonNode.Parse(body)!.AsObject();
        json["deploymentId"] = deploymentId.ToString();
        return json.ToJsonString();
    }
}
