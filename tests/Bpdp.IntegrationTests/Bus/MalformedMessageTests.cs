using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Testing;

namespace Bpdp.IntegrationTests.Bus;

/// <summary>Bad input is never lost and never stops a consumer: it lands in the stage's error queue with the reason.</summary>
[Collection(RealServersCollection.Name)]
public sealed class MalformedMessageTests(RealServers servers)
{
    public static TheoryData<string, string, string> MalformedBodies() => new()
    {
        { "bad JSON", """{ "deploymentId": "3f2c8a9e-5b7d-4e21-9c3a-1d6f0b8e4a72", "policyName": """, "JSON" },
        { "missing required field", WithoutField("policySha256"), "policySha256" },
        { "wrong type", WithField("approvedAt", "yesterday"), "DateTimeOffset" },
        { "empty deployment id", WithField("deploymentId", Guid.Empty.ToString()), "deploymentId is the empty UUID" },
        { "duplicated key", WithDuplicatedDeploymentId(), "ArtifactApproved has a duplicated JSON key $.deploymentId" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Malformed_body_ends_in_the_error_queue_with_its_reason_and_the_consumer_keeps_running(string kind, string body, string reasonMentions)
    {
        var rabbit = await servers.RabbitMq();
        var stage = new ProbeStage();
        await using var app = await stage.StartOn(rabbit);
        await using var probe = await RabbitMqProbe.Connect(rabbit);
        var badMessageId = Guid.NewGuid().ToString();
        var notConsumed = await NotConsumed();

        await probe.PublishRawJson(typeof(ArtifactApproved), body, badMessageId);

        var dead = await probe.NextIn($"{stage.Queue}_error");
        Assert.Equal(badMessageId, dead.BasicProperties.MessageId);
        Assert.Equal(body, Encoding.UTF8.GetString(dead.Body.Span));
        var reason = RabbitMqProbe.Header(dead, "MT-Fault-Message");
        Assert.True(reason?.Contains(reasonMentions, StringComparison.Ordinal) == true, $"{kind}: MT-Fault-Message was '{reason}'");
        Assert.NotNull(RabbitMqProbe.Header(dead, "MT-Fault-ExceptionType"));

        var good = Guid.NewGuid();
        await probe.PublishRawJson(typeof(ArtifactApproved), Samples.ExampleApprovalJsonFor(good), Guid.NewGuid().ToString());
        await stage.Received(good);
        Assert.Single(stage.Sink.ReceivedBy(nameof(ProbeStage.ApprovalProbeConsumer)));
        // Counted once, whether it failed to parse (unreadable) or was refused by a consume filter (fault).
        await Eventually.Holds(async () => await NotConsumed() - notConsumed == 1, $"{kind}: the refused message counted in bpdp_messages_consumed_total ({await Lines()})");
        await app.StopAsync();
        Assert.Equal(1, await NotConsumed() - notConsumed);
        await probe.DeleteStage(stage.Queue);
    }

    /// <summary>ArtifactApproved messages this process received and did not consume, from its own <c>/metrics</c> registry.</summary>
    private static async Task<double> NotConsumed()
    {
        using var buffer = new MemoryStream();
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(buffer);
        return Encoding.UTF8.GetString(buffer.ToArray()).Split('\n')
            .Where(l => l.StartsWith("bpdp_messages_consumed_total{message=\"ArtifactApproved\"", StringComparison.Ordinal)
                && (l.Contains("outcome=\"fault\"", StringComparison.Ordinal) || l.Contains("outcome=\"unreadable\"", StringComparison.Ordinal)))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<string> Lines()
    {
        using var buffer = new MemoryStream();
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(buffer);
        return string.Join(" | ", Encoding.UTF8.GetString(buffer.ToArray()).Split('\n').Where(l => l.StartsWith("bpdp_messages_consumed_total{", StringComparison.Ordinal)));
    }

    private static string WithoutField(string name)
    {
        var json = JsonNode.Parse(Samples.ExampleApprovalJson)!.AsObject();
        json.Remove(name);
        return json.ToJsonString();
    }

    /// <summary>The example body with a second <c>deploymentId</c>: first-wins and last-wins parsers would follow different deployments.</summary>
    private static string WithDuplicatedDeploymentId()
    {
        var json = Samples.ExampleApprovalJson.TrimEnd();
        return $"{json[..json.LastIndexOf('}')].TrimEnd()}, \"deploymentId\": \"{Guid.NewGuid()}\" }}";
    }

    private static string WithField(string name, string value)
    {
        var json = JsonNode.Parse(Samples.ExampleApprovalJson)!.AsObject();
        json[name] = value;
        return json.ToJsonString();
    }
}
