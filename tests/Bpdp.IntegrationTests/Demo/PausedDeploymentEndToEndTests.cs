using System.Collections.Concurrent;
using System.Security.Cryptography;
using Bpdp.Contracts;
using Bpdp.Pipeline.Embedded;
using Bpdp.Pipeline.Observing;
using Bpdp.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.IntegrationTests.Demo;

/// <summary>
/// The whole embedded pipeline, real executors, nobody calling the service: a policy with <c>promotion: manual</c> passes
/// its pre-promotion gate (smoke traffic) and waits; a signed promotion cuts over; the soak, with no users, is
/// inconclusive, so the first deployment pauses instead of rolling back; a signed abort then rolls it back.
/// </summary>
public sealed class PausedDeploymentEndToEndTests : IDisposable
{
    private const string OperatorKeyId = "ops-e2e";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string workdir = Directory.CreateTempSubdirectory("bpdp-paused-e2e-").FullName;

    public void Dispose() => Directory.Delete(workdir, recursive: true);

    [Fact]
    public async Task A_manual_promotion_waits_for_promote_an_unused_service_pauses_its_soak_and_an_abort_rolls_back()
    {
        using var approvalKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var operatorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var operatorPublic = Path.Combine(workdir, "operator.pub.pem");
        await File.WriteAllTextAsync(operatorPublic, operatorKey.ExportSubjectPublicKeyInfoPem());
        var recorder = new PipelineRecorder();
        var seen = new ConcurrentQueue<IPipelineMessage>();
        recorder.Received += seen.Enqueue;
        await using var app = EmbeddedPipeline.Build(workdir, PublishedExecutor.Path, approvalKey, recorder, new Dictionary<string, string?>
        {
            [$"Coordinator:OperatorKeys:{OperatorKeyId}:PublicKeyFile"] = operatorPublic,
            [$"Coordinator:OperatorKeys:{OperatorKeyId}:Agencies:0"] = "osha",
            [$"Coordinator:OperatorKeys:{OperatorKeyId}:Roles:0"] = "Abort",
            [$"Coordinator:OperatorKeys:{OperatorKeyId}:Roles:1"] = "Promote",
        });
        await app.StartAsync();
        var bus = app.Services.GetRequiredService<IPublishEndpoint>();
        var yaml = (await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml")))
            .Replace("  soak: 30s\n", "  soak: 30s\n  promotion: manual\n", StringComparison.Ordinal);
        using var approvals = new ApprovalSigning();
        var approval = approvals.Sign(approvals.Approve(yaml, environment: "e2e") with { ApproverKeyId = EmbeddedPipeline.ApproverKeyId }, approvalKey);
        var id = approval.DeploymentId;

        await bus.Publish(approval);
        var waiting = await Status(app, id, s => s.State == "Paused");
        Assert.StartsWith("a manual promotion (deploy.promotion: manual)", waiting.WaitingFor, StringComparison.Ordinal);
        Assert.Contains(waiting.Kpis!, k => k is { Phase: AnalysisPhase.PrePromotion, Metric: "error-rate", Failed: 0 });
        Assert.DoesNotContain(seen, m => m is CutOverTraffic);

        await bus.Publish(OperatorCommandCanonicalForm.Sign(new PromoteDeployment(id, DateTimeOffset.UtcNow, "jane@osha.example", OperatorKeyId), operatorKey));
        var inconclusive = await Status(app, id, s => s.State == "Paused" && s.WaitingFor!.Contains("post-promotion", StringComparison.Ordinal));
        Assert.Contains("the post-promotion gate was inconclusive", inconclusive.WaitingFor, StringComparison.Ordinal);
        Assert.Single(seen, m => m is CutOverTraffic);
        Assert.DoesNotContain(seen, m => m is RollBackDeployment);

        await bus.Publish(OperatorCommandCanonicalForm.Sign(new AbortDeployment(id, DateTimeOffset.UtcNow, "jane@osha.example", "nobody uses it yet", OperatorKeyId), operatorKey));
        await Eventually.Holds(() => Task.FromResult(seen.Any(m => m is DeploymentRolledBack && m.DeploymentId == id)), "the deployment rolled back", Patience);
        var rolledBack = seen.OfType<DeploymentRolledBack>().Single(m => m.DeploymentId == id);
        Assert.Contains("aborted by jane@osha.example (key ops-e2e): nobody uses it yet", rolledBack.Reason, StringComparison.Ordinal);
        Assert.Equal(1, seen.OfType<KpiPassed>().Count(m => m.DeploymentId == id));
        Assert.True(seen.OfType<KpiFailed>().Single(m => m.DeploymentId == id).Inconclusive);
        await app.StopAsync();
    }

    private static async Task<DeploymentStatus> Status(Microsoft.AspNetCore.Builder.WebApplication app, Guid id, Func<DeploymentStatus, bool> condition)
    {
        DeploymentStatus? last = null;
        await Eventually.Holds(async () =>
        {
            using var scope = app.Services.CreateScope();
            var client = scope.ServiceProvider.GetRequiredService<IRequestClient<GetDeploymentStatus>>();
            last = (await client.GetResponse<DeploymentStatus>(new GetDeploymentStatus(id))).Message;
            return last.Found && condition(last);
        }, "the deployment reached the expected state", Patience);
        return last!;
    }
}
