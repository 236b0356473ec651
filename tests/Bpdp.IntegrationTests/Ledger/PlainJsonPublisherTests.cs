using System.Text.Json;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.IntegrationTests.Distributed;
using Bpdp.IntegrationTests.Images;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.IntegrationTests.Ledger;

/// <summary>
/// An approval system with no MassTransit — Node.js and amqplib, publishing as <c>contracts/README.md</c> documents —
/// approves into a pipeline started on a virtual host where nothing was declared before (`bpdp up`): the deployment
/// goes live, the ledger records the approval under its AMQP message id from this first message on, and no queue's
/// error queue holds anything (the Coordinator and the KpiGate read several types on one queue, and each reads the
/// plain body only as the type of the exchange it came through).
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class PlainJsonPublisherTests(RealServers servers) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(150);
    private static readonly string Publisher = Path.Combine(RepositoryRoot.Path, "tests", "node-publisher", "publish.mjs");
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-plain-json-").FullName;
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task A_plain_json_approval_from_node_is_in_the_ledger_from_the_first_message_and_nothing_is_parked()
    {
        Assert.True(Directory.Exists(Path.Combine(RepositoryRoot.Path, "tests", "node-publisher", "node_modules", "amqplib")),
            "amqplib is not installed: run `npm ci` in tests/node-publisher (scripts/test.sh does)");
        await using var vhost = await FreshVirtualHost.Create(await servers.RabbitMq(), $"plain-json-{run}");
        using var approvals = new ApprovalSigning();
        var up = await UpSettings.Create(vhost.Broker, await servers.Registry(), await servers.Postgres(), folder, run, approvals.VerifierSettings(folder));
        await using var pipeline = await ServiceProcess.Start("bpdp.dll", FreeTcpPort.Next(), up.Settings, "up");

        var sink = new MessageSink();
        await using var users = TestHost.Build(vhost.Broker.ServiceSettings(), bus => bus.AddConsumer<DistributedPipelineTests.CutOverProbe>().Endpoint(e => e.Name = $"users-{run}"), sink);
        await users.StartAsync();

        var policy = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml"));
        var approval = approvals.Approve(policy, environment: $"plain-{run}");
        var body = Path.Combine(folder, "approval.json");
        await File.WriteAllTextAsync(body, JsonSerializer.Serialize(approval, ContractJson.Options));
        var messageId = Guid.NewGuid();
        await Tool.Run("node", Publisher, vhost.Broker.Amqp.ToString(), PipelineMessageTypes.ExchangeName(typeof(ArtifactApproved)), body, messageId.ToString(), vhost.Broker.User);

        await using (new UsersOfTheLiveService(sink, nameof(DistributedPipelineTests.CutOverProbe), c => c.DeploymentId == approval.DeploymentId))
        {
            await Eventually.Holds(async () => (await Ledger(up)).Any(e => Is(e, approval.DeploymentId, nameof(DeploymentCompleted)) || Is(e, approval.DeploymentId, nameof(DeploymentRolledBack))),
                "the deployment reached its end in the ledger", Patience);
        }

        var entries = (await Ledger(up)).Where(e => e["deploymentId"]!.GetValue<string>() == approval.DeploymentId.ToString()).ToList();
        var recorded = Assert.Single(entries, e => e["messageType"]!.GetValue<string>() == nameof(ArtifactApproved));
        Assert.Equal(messageId.ToString(), recorded["messageId"]!.GetValue<string>());
        Assert.Single(entries, e => e["messageType"]!.GetValue<string>() == nameof(DeploymentCompleted));
        Assert.DoesNotContain(entries, e => e["messageType"]!.GetValue<string>() == nameof(MessageRefused));

        var parked = (await vhost.QueueDepths()).Where(q => q.Key.EndsWith("_error", StringComparison.Ordinal) && q.Value > 0).ToList();
        Assert.True(parked.Count == 0, $"valid messages were parked: {string.Join(", ", parked.Select(q => $"{q.Key}: {q.Value}"))}\n{pipeline.Log}");
    }

    private static bool Is(JsonNode entry, Guid deploymentId, string type) =>
        entry["deploymentId"]!.GetValue<string>() == deploymentId.ToString() && entry["messageType"]!.GetValue<string>() == type;

    private static async Task<List<JsonNode>> Ledger(UpSettings up)
    {
        var (exit, output, errors) = await CliProcess.Run(new Dictionary<string, string?>(), "ledger", "export", "--sqlite", up.LedgerPath);
        Assert.True(exit == 0, $"bpdp ledger export exited {exit}: {errors}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!)];
    }
}
