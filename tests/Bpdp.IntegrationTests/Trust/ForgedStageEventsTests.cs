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
/// deployment naming the quarantined digest, and a passed <see cref="ImageScanned"/> for the blocked one. Neither reaches
/// the Rollout: the saga never saw the new deployment approved and the blocked one has ended, and the Publisher refuses
/// the passed verdict, whose signature no longer verifies. A real deployment beside them goes live.
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
        up.Settings["Coordinator:Deadlines:AwaitingApproval"] = "5";
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
        string[] probes = [$"deploy-green-probe-{run}", $"scan-probe-{run}", $"refusal-probe-{run}", $"end-probe-{run}"];
        await using var cleanup = new QueueCleanup(rabbit, probes);
        var sink = new MessageSink();
        await using var attacker = TestHost.Build(rabbit.ServiceSettings(), bus =>
        {
            bus.AddConsumer<DeployGreenProbe>().Endpoint(e => e.Name = probes[0]);
            bus.AddConsumer<ScanProbe>().Endpoint(e => e.Name = probes[1]);
            bus.AddConsumer<RefusalProbe>().Endpoint(e => e.Name = probes[2]);
            bus.AddConsumer<RejectedProbe>().Endpoint(e => e.Name = probes[3]);
            bus.AddConsumer<CompletedProbe>().Endpoint(e => e.Name = $"{probes[3]}-completed");
            bus.AddConsumer<CutOverProbe>().Endpoint(e => e.Name = $"{probes[3]}-cut-over");
        }, sink);
        await attacker.StartAsync();
        await using var moreQueues = new QueueCleanup(rabbit, $"{probes[3]}-completed", $"{probes[3]}-cut-over");
        var bus = attacker.Services.GetRequiredService<IPublishEndpoint>();
        var policy = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml"));
        var token = "ghp_" + new string([.. RandomNumberGenerator.GetItems<char>("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36)]);

        var blocked = approvals.Approve($"{policy.TrimEnd()}\n# deploy token: {token}\n", environment: $"blocked-{run}");
        await bus.Publish(blocked);
        var scan = (await sink.WaitFor<ImageScanned>(nameof(ScanProbe), s => s.DeploymentId == blocked.DeploymentId, Patience)).Message;
        Assert.False(scan.Passed);
        await sink.WaitFor<DeploymentRejected>(nameof(RejectedProbe), r => r.DeploymentId == blocked.DeploymentId && r.Stage == PipelineStage.Scanner, Patience);

        var forged = Guid.NewGuid();
        await bus.Publish(new ImagePublished(forged, DateTimeOffset.UtcNow, blocked.Target, scan.Image, blocked.PolicyVersion, "forged"));
        await bus.Publish(scan with { OccurredAt = DateTimeOffset.UtcNow, Passed = true, Findings = [] });
        var real = approvals.Approve(policy, environment: $"real-{run}");
        await using (new UsersOfTheLiveService(sink, nameof(CutOverProbe), c => c.DeploymentId == real.DeploymentId))
        {
            await bus.Publish(real);
            await sink.WaitFor<DeploymentCompleted>(nameof(CompletedProbe), c => c.DeploymentId == real.DeploymentId, Patience);
        }

        var rejected = (await sink.WaitFor<DeploymentRejected>(nameof(RejectedProbe), r => r.DeploymentId == forged, Patience)).Message;
        Assert.Equal(PipelineStage.Coordinator, rejected.Stage);
        Assert.StartsWith("no approval the Coordinator could verify arrived within 5 s of ImagePublished", rejected.Reason, StringComparison.Ordinal);

        Guid[] ids = [blocked.DeploymentId, forged, real.DeploymentId];
        var deployed = sink.ReceivedBy(nameof(DeployGreenProbe)).OfType<ConsumeContext<DeployGreen>>().Select(c => c.Message).Where(d => ids.Contains(d.DeploymentId)).ToList();
        Assert.Equal(real.DeploymentId, Assert.Single(deployed).DeploymentId);
        Assert.NotEqual(scan.Image.Digest, deployed[0].Image.Digest);
        var refusal = (await sink.WaitFor<MessageRefused>(nameof(RefusalProbe), r => r.DeploymentId == forged, Patience)).Message;
        Assert.Equal((PipelineStage.Coordinator, nameof(ImagePublished), RefusalReason.NotApproved), (refusal.Stage, refusal.MessageType, refusal.Reason));
        var forgedScan = (await sink.WaitFor<MessageRefused>(nameof(RefusalProbe), r => r.DeploymentId == blocked.DeploymentId, Patience)).Message;
        Assert.Equal((PipelineStage.Publisher, nameof(ImageScanned), RefusalReason.InvalidSignature), (forgedScan.Stage, forgedScan.MessageType, forgedScan.Reason));
        Assert.Equal(2, sink.ReceivedBy(nameof(RefusalProbe)).OfType<ConsumeContext<MessageRefused>>().Count(r => ids.Contains(r.Message.DeploymentId)));

        // The ledger holds the refusal beside the forged event itself.
        await Eventually.Holds(async () => (await LedgerTypes(up, forged)).Contains(nameof(MessageRefused)), "the ledger recorded the refusal", Patience);
        Assert.Equal([nameof(DeploymentRejected), nameof(ImagePublished), nameof(MessageRefused), nameof(StageTimedOut)], (await LedgerTypes(up, forged)).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(token, pipeline.Log, StringComparison.Ordinal);
    }

    private static async Task<List<string>> LedgerTypes(UpSettings up, Guid deploymentId)
    {
        var (exit, output, errors) = await CliProcess.Run(new Dictionary<string, string?>(), "ledger", "export", "--sqlite", up.LedgerPath);
        Assert.True(exit == 0, $"bpdp ledger export exited {exit}: {errors}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!)
            .Where(entry => entry["deploymentId"]?.GetValue<string>() == deploymentId.ToString()).Select(entry => entry["messageType"]!.GetValue<string>())];
    }

    public sealed class DeployGreenProbe(MessageSink sink) : RecordingConsumer<DeployGreen>(sink);

    public sealed class ScanProbe(MessageSink sink) : RecordingConsumer<ImageScanned>(sink);

    public sealed class RefusalProbe(MessageSink sink) : RecordingConsumer<MessageRefused>(sink);

    public sealed class RejectedProbe(MessageSink sink) : RecordingConsumer<DeploymentRejected>(sink);

    public sealed class CompletedProbe(MessageSink sink) : RecordingConsumer<DeploymentCompleted>(sink);

    public sealed class CutOverProbe(MessageSink sink) : RecordingConsumer<TrafficCutOver>(sink);
}
