using System.Globalization;
using System.Security.Cryptography;
using Bpdp.Contracts;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Distributed;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.IntegrationTests.Trust;

/// <summary>
/// With <c>bpdp up</c> on the real RabbitMQ, PostgreSQL and registry: approvals signed with a key scoped to another
/// environment, with an expired key, or older than the age limit are rejected, nothing built; a real deployment goes
/// live; then every service restarts and the same approval, sent again, is refused and deploys nothing.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class ApprovalScopeAndReplayTests(RealServers servers, Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-replay-").FullName;
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Out_of_scope_expired_and_stale_approvals_are_rejected_and_a_replay_after_restart_deploys_nothing()
    {
        var rabbit = await servers.RabbitMq();
        using var approvals = new ApprovalSigning();
        using var staging = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var expired = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var up = await UpSettings.Create(rabbit, await servers.Registry(), await servers.Postgres(), folder, run, approvals.VerifierSettings(folder));
        foreach (var stage in new[] { "Builder", "Coordinator" })
        {
            Trust(up, stage, "staging-only", staging, environment: "staging", notAfter: null);
            Trust(up, stage, "expired", expired, environment: "*", notAfter: DateTimeOffset.UtcNow.AddHours(-1));
        }

        var sink = new MessageSink();
        string[] probes = [];
        await using var observer = TestHost.Build(rabbit.ServiceSettings(), bus => probes = bus.AddPipelineProbes($"replay-{run}"), sink);
        await observer.StartAsync();
        await using var cleanup = new QueueCleanup(rabbit, [.. up.Queues, .. probes]);
        var bus = observer.Services.GetRequiredService<IPublishEndpoint>();
        var policy = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml"));
        var environment = $"prod-{run}";
        var outOfScope = approvals.Approve(policy, environment: environment, signer: staging, keyId: "staging-only");
        var byExpiredKey = approvals.Approve(policy, environment: environment, signer: expired, keyId: "expired");
        using var yesterday = new ApprovalSigning(DateTimeOffset.UtcNow.AddHours(-25));
        var stale = approvals.Sign(yesterday.Approve(policy, environment: environment));
        var real = approvals.Approve(policy, environment: environment);

        await using (var pipeline = await ServiceProcess.Start("bpdp.dll", FreeTcpPort.Next(), up.Settings, "up"))
        {
            try
            {
                foreach (var refused in new[] { outOfScope, byExpiredKey, stale })
                {
                    await bus.Publish(refused);
                }

                var rejected = await Task.WhenAll(new[] { outOfScope, byExpiredKey, stale }.Select(a =>
                    sink.WaitFor<DeploymentRejected>(nameof(PipelineEvents.Rejected), r => r.DeploymentId == a.DeploymentId, Patience)));
                Assert.Collection(rejected.Select(r => r.Message.Reason),
                    reason => Assert.Contains("Key 'staging-only' may approve only for", reason, StringComparison.Ordinal),
                    reason => Assert.Contains("Key 'expired' is valid from", reason, StringComparison.Ordinal),
                    reason => Assert.Contains("approvals older than 24.0 h are refused", reason, StringComparison.Ordinal));

                await using (new UsersOfTheLiveService(sink, nameof(PipelineEvents.CutOver), c => c.DeploymentId == real.DeploymentId))
                {
                    await bus.Publish(real);
                    await sink.WaitFor<DeploymentCompleted>(nameof(PipelineEvents.Completed), c => c.DeploymentId == real.DeploymentId, Patience);
                }
            }
            finally
            {
                output.WriteLine(pipeline.Log);
            }
        }

        await using (var restarted = await ServiceProcess.Start("bpdp.dll", FreeTcpPort.Next(), up.Settings, "up"))
        {
            try
            {
                await bus.Publish(real);
                var refusal = (await sink.WaitFor<MessageRefused>(nameof(PipelineEvents.Refused), r => r.DeploymentId == real.DeploymentId, Patience)).Message;
                Assert.Equal((PipelineStage.Coordinator, nameof(ArtifactApproved), RefusalReason.Stale), (refusal.Stage, refusal.MessageType, refusal.Reason));
                Assert.StartsWith($"deployment {real.DeploymentId} already ended Live", refusal.Detail, StringComparison.Ordinal);
            }
            finally
            {
                output.WriteLine(restarted.Log);
            }
        }

        Guid[] never = [outOfScope.DeploymentId, byExpiredKey.DeploymentId, stale.DeploymentId];
        Assert.DoesNotContain(sink.ReceivedBy(nameof(PipelineEvents.Scanned)).OfType<ConsumeContext<ImageScanned>>(), s => never.Contains(s.Message.DeploymentId));
        Assert.Single(sink.ReceivedBy(nameof(PipelineEvents.Ready)).OfType<ConsumeContext<GreenReady>>().Select(g => g.Message).Where(g => g.DeploymentId == real.DeploymentId)
            .DistinctBy(g => g.Image.Digest));
        Assert.Single(sink.ReceivedBy(nameof(PipelineEvents.Completed)).OfType<ConsumeContext<DeploymentCompleted>>().Where(c => c.Message.DeploymentId == real.DeploymentId)
            .DistinctBy(c => c.MessageId));
    }

    private void Trust(UpSettings up, string stage, string keyId, ECDsa key, string environment, DateTimeOffset? notAfter)
    {
        var path = Path.Combine(folder, $"{keyId}.pub.pem");
        File.WriteAllText(path, key.ExportSubjectPublicKeyInfoPem());
        var prefix = $"{stage}:TrustedKeys:{keyId}";
        up.Settings[$"{prefix}:PublicKeyFile"] = path;
        up.Settings[$"{prefix}:Agencies:0"] = "osha";
        up.Settings[$"{prefix}:Environments:0"] = environment;
        if (notAfter is { } end)
        {
            up.Settings[$"{prefix}:NotBefore"] = end.AddDays(-30).ToString("O", CultureInfo.InvariantCulture);
            up.Settings[$"{prefix}:NotAfter"] = end.ToString("O", CultureInfo.InvariantCulture);
        }
    }
}
