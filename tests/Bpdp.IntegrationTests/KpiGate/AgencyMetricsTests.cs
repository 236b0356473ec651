using Bpdp.Contracts;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Executor;
using Bpdp.IntegrationTests.Servers;
using Bpdp.KpiGate;
using Bpdp.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.IntegrationTests.KpiGate;

/// <summary>
/// Agency-defined metrics against real parts: a telemetry hub (served here) exposes a case backlog per environment that
/// the real Prometheus scrapes, and answers an intake p95 as JSON over HTTP. A backlog over its limit fails the gate with
/// its value as evidence; a failing dry-run metric is recorded in every verdict and decides none; and an executor serving a
/// looser policy than the approved one changes nothing in the verdict.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class AgencyMetricsTests(RealServers servers) : IAsyncLifetime
{
    private readonly GateTestBed bed = new(servers);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => bed.DisposeAsync().AsTask();

    [Fact]
    public async Task A_backlog_over_its_limit_fails_the_gate_and_a_failing_dry_run_metric_is_recorded_without_deciding()
    {
        var (breaching, calm) = ($"breach-{bed.Run}", $"calm-{bed.Run}");
        var hub = await TelemetryHub(new Dictionary<string, int> { [breaching] = 140, [calm] = 40 });
        var prometheus = await servers.Prometheus();
        await bed.Register(prometheus, hub.Urls.First());
        await Eventually.Holds(async () => await GateTestBed.Answers(prometheus.BaseAddress, $"bpdp_case_backlog{{environment=\"{calm}\"}}"),
            "Prometheus has scraped the hub", TimeSpan.FromSeconds(30));
        var gate = await StartGate(prometheus.BaseAddress);
        var yaml = Policy("1.1.0", $$$"""
              metrics:
                - name: case-backlog
                  provider: prometheus
                  query: sum(bpdp_case_backlog{agency="{{agency}}", environment="{{environment}}"})
                  successCondition: result <= 100.0
                - name: intake-p95
                  provider: web
                  url: {{{hub.Urls.First()}}}/kpi/intake?version={{version}}
                  jsonPath: $.p95Seconds
                  successCondition: result < 2.0
                  dryRun: true
            """);
        var executor = await bed.Executor(yaml, "green");
        await bed.Register(prometheus, executor.Http.BaseAddress!.ToString());
        await GateTestBed.Scraped(prometheus, executor);

        var failedId = await bed.Publish(gate, yaml, executor, breaching);
        var passedId = await bed.Publish(gate, yaml, executor, calm);

        var failed = (await bed.Sink.WaitFor<KpiFailed>(nameof(GateTestBed.FailedProbe), m => m.DeploymentId == failedId, TimeSpan.FromSeconds(60))).Message;
        Assert.StartsWith("case-backlog failed 1 of 1 measurements (limit 0; worst 140, result <= 100.0)", failed.Reason, StringComparison.Ordinal);
        var breach = Assert.Single(failed.Measurements, m => m.Metric == "case-backlog");
        Assert.Equal((140.0, MeasurementOutcome.Failed, "result <= 100.0", false), (breach.Value!.Value, breach.Outcome, breach.Condition, breach.DryRun));

        var passed = (await bed.Sink.WaitFor<KpiPassed>(nameof(GateTestBed.PassedProbe), m => m.DeploymentId == passedId, TimeSpan.FromSeconds(60))).Message;
        Assert.Equal([40.0, 40.0, 40.0], passed.Measurements.Where(m => m.Metric == "case-backlog").Select(m => m.Value!.Value));
        var dryRuns = passed.Measurements.Where(m => m.Metric == "intake-p95").ToList();
        Assert.Equal(3, dryRuns.Count);
        Assert.All(dryRuns, m => Assert.Equal((3.5, MeasurementOutcome.Failed, true), (m.Value!.Value, m.Outcome, m.DryRun)));
        Assert.Equal(3, passed.Measurements.Count(m => m.Metric == "error-rate" && m.Outcome == MeasurementOutcome.Successful));
        Assert.DoesNotContain(bed.Sink.ReceivedBy(nameof(GateTestBed.FailedProbe)).OfType<ConsumeContext<KpiFailed>>(), c => c.Message.DeploymentId == passedId);
    }

    [Fact]
    public async Task An_executor_serving_a_looser_policy_than_the_approved_one_is_judged_by_the_approved_one()
    {
        var prometheus = await servers.Prometheus();
        var gate = await StartGate(prometheus.BaseAddress);
        var approved = Policy("1.0.1", "");
        // The image under test claims it may fail half its requests; the approval says 1%.
        var loosened = approved.Replace("errorRateMax: 0.01", "errorRateMax: 0.5", StringComparison.Ordinal);
        Assert.NotEqual(approved, loosened);
        var executor = await bed.Executor(loosened, "green");
        await bed.Register(prometheus, executor.Http.BaseAddress!.ToString());
        await GateTestBed.Scraped(prometheus, executor);

        var id = await bed.Publish(gate, approved, executor, $"looser-{bed.Run}");

        var failed = (await bed.Sink.WaitFor<KpiFailed>(nameof(GateTestBed.FailedProbe), m => m.DeploymentId == id, TimeSpan.FromSeconds(60))).Message;
        Assert.StartsWith("error-rate failed", failed.Reason, StringComparison.Ordinal);
        Assert.All(failed.Measurements.Where(m => m.Metric == "error-rate"), m => Assert.Equal(0.01, m.Threshold));
    }

    private static string Policy(string version, string metrics) =>
        File.ReadAllText(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", $"v{version}.yaml"))
            .Replace("interval: 5s", "interval: 2s", StringComparison.Ordinal).Replace("count: 4", "count: 3", StringComparison.Ordinal)
            .Replace("smokeTrafficPerSecond: 20", "smokeTrafficPerSecond: 50", StringComparison.Ordinal)
            .Replace("  soak: 30s\n", "  soak: 30s\n" + metrics.TrimEnd('\n') + (metrics.Length > 0 ? "\n" : ""), StringComparison.Ordinal);

    /// <summary>The agency's telemetry hub: a case backlog per environment in Prometheus's text format, and an intake p95 of 3.5 s as JSON.</summary>
    private async Task<WebApplication> TelemetryHub(IReadOnlyDictionary<string, int> backlog)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var hub = builder.Build();
        hub.MapGet("/metrics", () => Results.Text(string.Concat(backlog.Select(b => $"bpdp_case_backlog{{agency=\"osha\",environment=\"{b.Key}\"}} {b.Value}\n"))));
        hub.MapGet("/kpi/intake", (string version) => Results.Json(new { version, p95Seconds = 3.5 }));
        await hub.StartAsync();
        bed.Add(hub);
        return hub;
    }

    private Task<WebApplication> StartGate(Uri prometheus) => bed.StartGate(new Dictionary<string, string?>
    {
        ["KpiGate:Source"] = "Prometheus",
        ["KpiGate:PrometheusUrl"] = prometheus.ToString(),
        ["KpiGate:RateWindowSeconds"] = "3",
        ["KpiGate:WebMetricHosts:0"] = "127.0.0.1",
    });
}
