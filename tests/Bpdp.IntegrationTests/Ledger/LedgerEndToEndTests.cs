using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Ledger.Verification;
using Bpdp.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.IntegrationTests.Ledger;

/// <summary>
/// Two ledger processes on one queue of the real RabbitMQ, writing one chain in the real PostgreSQL:
/// 10,000 distinct messages (envelopes and plain JSON) and 1,000 redeliveries give exactly 10,000 entries.
/// A deployment's messages are causally ordered, as in the pipeline, so each round waits for the last.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class LedgerEndToEndTests(RealServers servers)
{
    private const int Deployments = 200;
    private const int MessagesPerDeployment = 50;
    private const int Redeliveries = 1000;

    [Fact]
    public async Task Two_ledger_processes_record_ten_thousand_messages_once_each_in_one_valid_chain()
    {
        var rabbit = await servers.RabbitMq();
        await using var database = await LedgerDatabase.Create(await servers.Postgres());
        var keyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyFile, database.Key.ExportECPrivateKeyPem());
        var queue = $"ledger-{Guid.NewGuid():N}"[..20];
        var settings = new Dictionary<string, string?>(rabbit.ServiceSettings())
        {
            ["Ledger:ConnectionString"] = database.ServiceConnectionString,
            ["Ledger:Schema"] = database.Schema,
            ["Ledger:Queue"] = queue,
            ["Ledger:SigningKeyFile"] = keyFile,
            ["Ledger:CheckpointIntervalSeconds"] = "2",
        };
        await using var first = await ServiceProcess.Start("Bpdp.Ledger.dll", FreeTcpPort.Next(), settings);
        await using var second = await ServiceProcess.Start("Bpdp.Ledger.dll", FreeTcpPort.Next(), settings);
        await using var publisher = TestHost.Build(rabbit.ServiceSettings(), _ => { });
        await publisher.StartAsync();
        var bus = publisher.Services.GetRequiredService<IPublishEndpoint>();
        await using var raw = await RabbitMqProbe.Connect(rabbit);

        var deployments = Enumerable.Range(0, Deployments).Select(_ => Guid.NewGuid()).ToArray();
        var sent = deployments.ToDictionary(d => d, _ => new List<Guid>());
        var recorded = new List<(Guid Id, IPipelineMessage Message)>();
        var random = new Random(42);
        for (var round = 0; round < MessagesPerDeployment; round++)
        {
            var publishes = new List<Task>();
            foreach (var deployment in deployments)
            {
                var id = NewId.NextGuid();
                sent[deployment].Add(id);
                if (round == 0)
                {
                    var approval = Samples.Approval(deployment);
                    recorded.Add((id, approval));
                    publishes.Add(raw.PublishRawJson(typeof(ArtifactApproved), JsonSerializer.Serialize(approval, ContractJson.Options), id.ToString()));
                }
                else
                {
                    var message = Message(deployment, round);
                    recorded.Add((id, message));
                    publishes.Add(bus.Publish(message, message.GetType(), c => c.MessageId = id));
                }
            }

            // Redeliveries of messages already recorded, spread over the rounds.
            var duplicates = round == 0 ? 0 : Redeliveries / (MessagesPerDeployment - 1) + (round <= Redeliveries % (MessagesPerDeployment - 1) ? 1 : 0);
            for (var i = 0; i < duplicates; i++)
            {
                // The same body again: serialized as its concrete type, as first sent (as IPipelineMessage it would be a
                // different body, which the ledger records as a conflict).
                var (id, message) = recorded[random.Next(0, recorded.Count - Deployments)];
                publishes.Add(message is ArtifactApproved
                    ? raw.PublishRawJson(typeof(ArtifactApproved), JsonSerializer.Serialize(message, message.GetType(), ContractJson.Options), id.ToString())
                    : bus.Publish(message, message.GetType(), c => c.MessageId = id));
            }

            await Task.WhenAll(publishes);
            var expected = (round + 1) * Deployments;
            await Eventually.Holds(async () => await database.Count() >= expected, $"round {round}: {expected} entries recorded", TimeSpan.FromSeconds(60));
        }

        await Eventually.Holds(async () => (await database.Ledger.Checkpoints()).Any(c => c.Sequence == Deployments * MessagesPerDeployment),
            "a checkpoint of the full ledger", TimeSpan.FromSeconds(30));
        await publisher.StopAsync();

        Assert.Equal(Deployments * MessagesPerDeployment, await database.Count());
        var verdict = await LedgerVerifier.Verify(database.Ledger, database.Key);
        Assert.True(verdict.Valid, verdict.Reason);
        Assert.Equal(Deployments * MessagesPerDeployment, verdict.VerifiedEntries);
        foreach (var deployment in deployments.Take(20))
        {
            var timeline = await database.Ledger.Timeline(deployment);
            Assert.Equal(sent[deployment], timeline.Select(e => e.MessageId));
            Assert.Equal(nameof(ArtifactApproved), timeline[0].MessageType);
        }

        using var api = new HttpClient { BaseAddress = first.HttpAddress };
        var listed = JsonNode.Parse(await api.GetStringAsync(new Uri("/v1/deployments", UriKind.Relative)))!.AsArray();
        Assert.Equal(Deployments, listed.Count);
        var timelineJson = JsonNode.Parse(await api.GetStringAsync(new Uri($"/v1/deployments/{deployments[0]}/timeline", UriKind.Relative)))!.AsArray();
        Assert.Equal(sent[deployments[0]].Select(id => id.ToString()), timelineJson.Select(e => e!["messageId"]!.GetValue<string>()));
        var verify = JsonNode.Parse(await api.GetStringAsync(new Uri("/v1/verify", UriKind.Relative)))!;
        Assert.True(verify["valid"]!.GetValue<bool>(), verify.ToJsonString());
        var export = await api.GetStringAsync(new Uri("/v1/export?from=101&to=200", UriKind.Relative));
        Assert.Equal(100, export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(new Uri($"/v1/deployments/{Guid.NewGuid()}/timeline", UriKind.Relative))).StatusCode);

        Assert.True(await Consumed(first) > 0, $"the first ledger process took no work:\n{first.Log}");
        Assert.True(await Consumed(second) > 0, $"the second ledger process took no work:\n{second.Log}");
        await raw.DeleteStage(queue);
        File.Delete(keyFile);
    }

    private static IPipelineMessage Message(Guid deployment, int round)
    {
        var at = DateTimeOffset.UtcNow;
        return (round % 3) switch
        {
            0 => new StageTimedOut(deployment, at, PipelineStage.Scanner, at.AddSeconds(-1)),
            1 => new PromoteDeployment(deployment, at, $"operator-{round}"),
            _ => new AbortDeployment(deployment, at, "auditor", $"round {round}"),
        };
    }

    private static async Task<double> Consumed(ServiceProcess service)
    {
        using var http = new HttpClient { BaseAddress = service.HttpAddress };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return metrics.Split('\n')
            .Where(l => l.StartsWith("bpdp_messages_consumed_total{", StringComparison.Ordinal) && l.Contains("outcome=\"ok\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
