using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Distributed;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.IntegrationTests.Trust;

/// <summary>
/// `bpdp up` on the real RabbitMQ, registry and PostgreSQL. A policy with a planted secret is approved and blocked by
/// the Scanner; then a client that merely has broker access publishes an <see cref="ImagePublished"/> for a new
/// deployment naming the quarantined digest. It never reaches the Rollout: the saga never saw that deployment approved,
/// holds the event, and refuses it at its deadline. A <see cref="DeployGreen"/> for the same image sent straight to the
/// Rollout is refused there, as the image carries no release signature; an abort and a promotion of the held deployment
/// change nothing; a passed verdict forged from the blocking one is refused by the Publisher, whose signature check
/// fails. A real deployment beside them goes live.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class ForgedStageEventsTests(RealServers servers, Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-trust-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Forged_stage_events_never_deploy_the_blocked_image_while_a_real_deployment_goes_live()
    {
        var rabbit = await servers.RabbitMq();
        var run = Guid.NewGuid().ToString("N")[..8];
        using var approvals = new ApprovalSigning();
        var up = await UpSettings.Create(rabbit, await servers.Registry(), await servers.Postgres(), folder, run, approvals.VerifierSettings(folder));
        up.Settings["Coordinator:Deadlines:AwaitingApproval"] = "25";
        up.Settings["Coordinator:SweepIntervalSeconds"] = "1";
        await using var cleanup = new QueueCleanup(rabbit, up.Queues);
        await using var pipeline = await ServiceProcess.Start("bpdp.dll", FreeTcpPort.Next(), up.Settings, "up");
        try
        {
            await Forge(rabbit, run, up, approvals, pipeline);
        }
        finally
        {
            output.WriteLine(pipeline.Log);
        }
    }

    private static async Task Forge(RabbitMqServer rabbit, string run, UpSettings up, ApprovalSigning approvals, ServiceProcess pipeline)
    {
        var sink = new MessageSink();
        string[] probes = [];
        await using var attacker = TestHost.Build(rabbit.ServiceSettings(), bus => probes = bus.AddPipelineProbes($"trust-{run}"), sink);
        await attacker.StartAsync();
        await using var cleanup = new QueueCleanup(rabbit, probes);
        var bus = attacker.Services.GetRequiredService<IPublishEndpoint>();
        var policy = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml"));
        var token = "ghp_" + new string([.. RandomNumberGenerator.GetItems<char>("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36)]);

        var blocked = approvals.Approve($"{policy.TrimEnd()}\n# deploy token: {token}\n", environment: $"blocked-{run}");
        await bus.Publish(blocked);
        var scan = (await sink.WaitFor<ImageScanned>(nameof(PipelineEvents.Scanned), s => s.DeploymentId == blocked.DeploymentId, Patience)).Message;
        Assert.False(scan.Passed);
        await sink.WaitFor<DeploymentRejected>(nameof(PipelineEvents.Rejected), r => r.DeploymentId == blocked.DeploymentId && r.Stage == PipelineStage.Scanner, Patience);

        var forged = Guid.NewGuid();
        await bus.Publish(new ImagePublished(forged, DateTimeOffset.UtcNow, blocked.Target, scan.Image, blocked.PolicyVersion, "forged"));
        var straightToRollout = Guid.NewGuid();
        await bus.Publish(new DeployGreen(straightToRollout, DateTimeOffset.UtcNow, blocked.Target, scan.Image));
        await bus.Publish(scan with { OccurredAt = DateTimeOffset.UtcNow, Passed = true, Findings = [] });
        await Eventually.Holds(async () => await StateOf(rabbit, up, forged) == "AwaitingApproval", "the Coordinator holds the forged release", Patience);
        await bus.Publish(new AbortDeployment(forged, DateTimeOffset.UtcNow, "mallory", "let it through"));
        await bus.Publish(new PromoteDeployment(forged, DateTimeOffset.UtcNow, "mallory"));
        var real = approvals.Approve(policy, environment: $"real-{run}");
        await using (new UsersOfTheLiveService(sink, nameof(PipelineEvents.CutOver), c => c.DeploymentId == real.DeploymentId))
        {
            await bus.Publish(real);
            await sink.WaitFor<DeploymentCompleted>(nameof(PipelineEvents.Completed), c => c.DeploymentId == real.DeploymentId, Patience);
        }

        var rejected = (await sink.WaitFor<DeploymentRejected>(nameof(PipelineEvents.Rejected), r => r.DeploymentId == forged, Patience)).Message;
        Assert.Equal(PipelineStage.Coordinator, rejected.Stage);
        Assert.StartsWith("no approval the Coordinator could verify arrived within 25 s of ImagePublished", rejected.Reason, StringComparison.Ordinal);
        var status = await StatusOf(rabbit, up, forged);
        Assert.Equal(("Rejected", 3), (status?["state"]?.GetValue<string>(), status?["refusedMessages"]?.GetValue<int>()));

        Guid[] ids = [blocked.DeploymentId, forged, straightToRollout, real.DeploymentId];
        var ready = Distinct<GreenReady>(sink, nameof(PipelineEvents.Ready)).Where(g => ids.Contains(g.DeploymentId)).ToList();
        Assert.Equal(real.DeploymentId, Assert.Single(ready).DeploymentId);
        Assert.NotEqual(scan.Image.Digest, ready[0].Image.Digest);
        await Eventually.Holds(() => Task.FromResult(Refusals(sink, ids).Count == 5), "the Coordinator, the Publisher and the Rollout refused each forged message", Patience);
        Assert.Equal(
            [
                (forged, PipelineStage.Coordinator, nameof(AbortDeployment), RefusalReason.NotAuthorized),
                (straightToRollout, PipelineStage.Rollout, nameof(DeployGreen), RefusalReason.MissingSignature),
                (forged, PipelineStage.Coordinator, nameof(ImagePublished), RefusalReason.NotApproved),
                (blocked.DeploymentId, PipelineStage.Publisher, nameof(ImageScanned), RefusalReason.InvalidSignature),
                (forged, PipelineStage.Coordinator, nameof(PromoteDeployment), RefusalReason.NotAuthorized),
            ],
            Refusals(sink, ids).Select(r => (r.DeploymentId, r.Stage, r.MessageType, r.Reason)).OrderBy(r => r.MessageType, StringComparer.Ordinal));

        // The ledger holds each refusal beside the forged messages themselves.
        string[] recorded = [nameof(AbortDeployment), nameof(DeploymentRejected), nameof(ImagePublished),
            nameof(MessageRefused), nameof(MessageRefused), nameof(MessageRefused), nameof(PromoteDeployment), nameof(StageTimedOut)];
        await Eventually.Holds(async () => (await LedgerTypes(up, forged)).Count == recorded.Length, "the ledger recorded every message of the forged deployment", Patience);
        Assert.Equal(recorded, (await LedgerTypes(up, forged)).Order(StringComparer.Ordinal));
        Assert.Equal([nameof(DeployGreen), nameof(DeploymentFailed), nameof(MessageRefused)], (await LedgerTypes(up, straightToRollout)).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(token, pipeline.Log, StringComparison.Ordinal);
    }

    private static async Task<string?> StateOf(RabbitMqServer rabbit, UpSettings up, Guid deploymentId) =>
        (await StatusOf(rabbit, up, deploymentId))?["state"]?.GetValue<string>();

    private static async Task<JsonNode?> StatusOf(RabbitMqServer rabbit, UpSettings up, Guid deploymentId)
    {
        var (exit, output, _) = await CliProcess.Run(rabbit.ServiceSettings(), "status", deploymentId.ToString(), "--coordinator-queue", up.CoordinatorQueue,
            "--rollout-queue", up.RolloutQueue, "--output", "json");
        return exit == 0 ? JsonNode.Parse(output) : null;
    }

    private static List<MessageRefused> Refusals(MessageSink sink, Guid[] ids) =>
        [.. Distinct<MessageRefused>(sink, nameof(PipelineEvents.Refused)).Where(r => ids.Contains(r.DeploymentId))];

    /// <summary>What <paramref name="probe"/> received, each message once: delivery is at least once, and a retried consumer publishes again under the same id.</summary>
    private static IEnumerable<T> Distinct<T>(MessageSink sink, string probe)
        where T : class =>
        sink.ReceivedBy(probe).OfType<ConsumeContext<T>>().DistinctBy(c => c.MessageId).Select(c => c.Message);

    private static async Task<List<string>> LedgerTypes(UpSettings up, Guid deploymentId)
    {
        var (exit, output, errors) = await CliProcess.Run(new Dictionary<string, string?>(), "ledger", "export", "--sqlite", up.LedgerPath);
        Assert.True(exit == 0, $"bpdp ledger export exited {exit}: {errors}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!)
            .Where(entry => entry["deploymentId"]?.GetValue<string>() == deploymentId.ToString()).Select(entry => entry["messageType"]!.GetValue<string>())];
    }
}
