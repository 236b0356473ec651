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
    [Fact]
    public async Task Raw_json_approval_published_with_plain_RabbitMQ_client_is_consumed_with_every_field_intact()
    {
        var rabbit = await servers.RabbitMq();
        var stage = new ProbeStage();
        await using var app = await stage.StartOn(rabbit);
        await using var probe = await RabbitMqProbe.Connect(rabbit);
        var deploymentId = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        var body = Samples.ExampleApprovalJsonFor(deploymentId);

        await probe.PublishRawJson(typeof(ArtifactApproved), body, messageId.ToString());

        var received = await stage.Received(deploymentId);
        Assert.Equal(JsonSerializer.Deserialize<ArtifactApproved>(body, ContractJson.Options), received.Message);
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
        await using var consumerHost = await stage.StartOn(rabbit);
        await using var publisherHost = TestHost.Build(rabbit.ServiceSettings(), _ => { });
        await publisherHost.StartAsync();
        var approval = JsonSerializer.Deserialize<ArtifactApproved>(Samples.ExampleApprovalJsonFor(Guid.NewGuid()), ContractJson.Options)!;

        await publisherHost.Services.GetRequiredService<IPublishEndpoint>().Publish(approval);

        var received = await stage.Received(approval.DeploymentId);
        Assert.Equal(approval, received.Message);
        Assert.Equal("application/vnd.masstransit+json", received.ReceiveContext.ContentType?.MediaType);
        await publisherHost.StopAsync();
        await consumerHost.StopAsync();
        await using var probe = await RabbitMqProbe.Connect(rabbit);
        await probe.DeleteStage(stage.Queue);
    }
}
