using Bpdp.Contracts;
using Bpdp.IntegrationTests.Servers;
using Bpdp.KpiGate.Analysis;
using Bpdp.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.IntegrationTests.KpiGate;

/// <summary>
/// A soak nobody calls: without post-promotion smoke traffic the gate has no data and is inconclusive (the Coordinator then
/// pauses); with <c>postPromotionSmokeTrafficPerSecond</c> the gate replays the samples against the live service and judges them.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class PostPromotionSmokeTests(RealServers servers) : IAsyncLifetime
{
    private readonly GateTestBed bed = new(servers);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => bed.DisposeAsync().AsTask();

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    public async Task A_soak_without_users_is_judged_on_smoke_traffic_only_when_the_policy_asks_for_it(int perSecond)
    {
        var gate = await bed.StartGate(new Dictionary<string, string?> { ["KpiGate:Source"] = "Scrape", ["KpiGate:MaxIntervalSeconds"] = "1", ["KpiGate:MaxSoakSeconds"] = "3" });
        var yaml = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml"))
            .Replace("  soak: 30s\n", $"  soak: 30s\n  postPromotionSmokeTrafficPerSecond: {perSecond}\n", StringComparison.Ordinal);
        var executor = await bed.Executor(yaml, "green");
        var bus = gate.Services.GetRequiredService<IPublishEndpoint>();
        var approval = bed.Approvals.Approve(yaml, environment: $"soak-{bed.Run}-{perSecond}");
        await bus.Publish(approval);
        await bus.Publish(new TrafficCutOver(approval.DeploymentId, DateTimeOffset.UtcNow, approval.Target, Color.Green, Color.Blue, TimeSpan.Zero,
            executor.Http.BaseAddress!.ToString()));

        if (perSecond == 0)
        {
            var failed = (await bed.Sink.WaitFor<KpiFailed>(nameof(GateTestBed.FailedProbe), m => m.DeploymentId == approval.DeploymentId, TimeSpan.FromSeconds(60))).Message;
            Assert.True(failed.Inconclusive, failed.Reason);
            Assert.StartsWith("error-rate was inconclusive 2 times (limit 1)", failed.Reason, StringComparison.Ordinal);
        }
        else
        {
            var passed = (await bed.Sink.WaitFor<KpiPassed>(nameof(GateTestBed.PassedProbe), m => m.DeploymentId == approval.DeploymentId, TimeSpan.FromSeconds(60))).Message;
            Assert.Equal(AnalysisPhase.PostPromotion, passed.Phase);
            Assert.Equal(3, passed.Measurements.Count(m => m.Metric == MetricSpec.ErrorRate && m.Outcome == MeasurementOutcome.Successful));
        }
    }
}
