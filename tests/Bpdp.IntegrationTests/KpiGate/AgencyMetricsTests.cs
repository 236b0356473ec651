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
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-agency-metrics-").FullName;
    private readonly string run = Guid.NewGuid().ToString("N")[..8];
    private readonly MessageSink sink = new();
    private readonly List<IAsyncDisposable> cleanups = [];
    private readonly ApprovalSigning approvals = new();

    public sealed class PassedProbe(MessageSink sink) : RecordingConsumer<KpiPassed>(sink);

    public sealed class FailedProbe(MessageSink sink) : RecordingConsumer<KpiFailed>(sink);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var cleanup in Enumerable.Reverse(cleanups))
        {
            await cleanup.DisposeAsync();
        }

        approvals.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_backlog_over_its_limit_fails_the_gate_and_a_failing_dry_run_metric_is_recorded_without_deciding()
    {
        var (breaching, calm) = ($"breach-{run}", $"calm-{run}");
        var hub = await TelemetryHub(new Dictionary<string, int> { [breaching] = 140, [calm] = 40 });
        var prometheus = await servers.Prometheus();
        await Register(prometheus, "hub", hub.Urls.First());
        await Eventually.Holds(async () => await Answers(prometheus.BaseAddress, $"bpdp_case_backlog{{environment=\"{calm}\"}}"), "Prometheus has scraped the hub", TimeSpan.FromSeconds(30));
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
        await using var executor = await Executor(yaml, "1.1.0");
        await Register(prometheus, "executor", executor.Http.BaseAddress!.ToString());
        await Scraped(prometheus, executor);

        var failedId = await Publish(gate, yaml, executor, breaching);
        var passedId = await Publish(gate, yaml, executor, calm);

        var failed = (await sink.WaitFor<KpiFailed>(nameof(FailedProbe), m => m.DeploymentId == failedId, TimeSpan.FromSeconds(60))).Message;
        Assert.StartsWith("case-backlog failed 1 of 1 measurements (limit 0; worst 140, result <= 100.0)", failed.Reason, StringComparison.Ordinal);
        var breach = Assert.Single(failed.Measurements, m => m.Metric == "case-backlog");
        Assert.Equal((140.0, MeasurementOutcome.Failed, "result <= 100.0", false), (breach.Value!.Value, breach.Outcome, breach.Condition, breach.DryRun));

        var passed = (await sink.WaitFor<KpiPassed>(nameof(PassedProbe), m => m.DeploymentId == passedId, TimeSpan.FromSeconds(60))).Message;
        Assert.Equal([40.0, 40.0, 40.0], passed.Measurements.Where(m => m.Metric == "case-backlog").Select(m => m.Value!.Value));
        var dryRuns = passed.Measurements.Where(m => m.Metric == "intake-p95").ToList();
        Assert.Equal(3, dryRuns.Count);
        Assert.All(dryRuns, m => Assert.Equal((3.5, MeasurementOutcome.Failed, true), (m.Value!.Value, m.Outcome, m.DryRun)));
        Assert.Equal(3, passed.Measurements.Count(m => m.Metric == "error-rate" && m.Outcome == MeasurementOutcome.Successful));
        Assert.DoesNotContain(sink.ReceivedBy(nameof(FailedProbe)).OfType<ConsumeContext<KpiFailed>>(), c => c.Message.DeploymentId == passedId);
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
        await using var executor = await Executor(loosened, "1.0.1");
        await Register(prometheus, "faulty", executor.Http.BaseAddress!.ToString());
        await Scraped(prometheus, executor);

        var id = await Publish(gate, approved, executor, $"looser-{run}");

        var failed = (await sink.WaitFor<KpiFailed>(nameof(FailedProbe), m => m.DeploymentId == id, TimeSpan.FromSeconds(60))).Message;
        Assert.StartsWith("error-rate failed", failed.Reason, StringComparison.Ordinal);
        Assert.All(failed.Measurements.Where(m => m.Metric == "error-rate"), m => Assert.Equal(0.01, m.Threshold));
    }

    private static string Policy(string version, string metrics) =>
        File.ReadAllText(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", $"v{version}.yaml"))
            .Replace("interval: 5s", "interval: 2s", StringComparison.Ordinal).Replace("count: 4", "count: 3", StringComparison.Ordinal)
            .Replace("smokeTrafficPerSecond: 20", "smokeTrafficPerSecond: 50", StringComparison.Ordinal)
            .Replace("  soak: 30s\n", "  soak: 30s\n" + metrics.TrimEnd('\n') + (metrics.Length > 0 ? "\n" : ""), StringComparison.Ordinal);

    private async Task<RunningExecutor> Executor(string yaml, string version)
    {
        var path = Path.Combine(folder, $"{version}-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, yaml);
        return await RunningExecutor.Start(path, "green");
    }

    /// <summary>The agency's telemetry hub: a case backlog per environment in Prometheus's text format, and an intake p95 of 3.5 s as JSON.</summary>
    private async Task<WebApplication> TelemetryHub(IReadOnlyDictionary<string, int> backlog)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var hub = builder.Build();
        hub.MapGet("/metrics", () => Results.Text(string.Concat(backlog.Select(b => $"bpdp_case_backlog{{agency=\"osha\",environment=\"{b.Key}\"}} {b.Value}\n"))));
        hub.MapGet("/kpi/intake", (string version) => Results.Json(new { version, p95Seconds = 3.5 }));
        await hub.StartAsync();
        cleanups.Add(hub);
        return hub;
    }

    private async Task Register(PrometheusServer prometheus, string name, string url)
    {
        var targets = Path.Combine(prometheus.TargetsFolder, $"agency-{run}-{name}.json");
        await File.WriteAllTextAsync(targets, $"[{{\"targets\":[\"{new Uri(url).Authority}\"]}}]");
        cleanups.Add(new FileRemoval(targets));
    }

    private static Task Scraped(PrometheusServer prometheus, RunningExecutor executor) =>
        Eventually.Holds(() => Answers(prometheus.BaseAddress, $"up{{instance=\"{executor.Http.BaseAddress!.Authority}\"}} == 1"),
            $"Prometheus scrapes {executor.Http.BaseAddress}", TimeSpan.FromSeconds(30));

    private static async Task<bool> Answers(Uri prometheus, string query)
    {
        using var http = new HttpClient();
        return (await http.GetStringAsync(new Uri(prometheus, $"api/v1/query?query={Uri.EscapeDataString(query)}"))).Contains("\"value\"", StringComparison.Ordinal);
    }

    private async Task<WebApplication> StartGate(Uri prometheus)
    {
        var rabbit = await servers.RabbitMq();
        var queue = $"kpi-gate-{run}-{Guid.NewGuid():N}"[..30];
        var settings = new Dictionary<string, string?>([.. rabbit.ServiceSettings(), .. approvals.TrustedKeySettings(folder, "KpiGate")])
        {
            ["KpiGate:Queue"] = queue,
            ["KpiGate:Source"] = "Prometheus",
            ["KpiGate:PrometheusUrl"] = prometheus.ToString(),
            ["KpiGate:RateWindowSeconds"] = "3",
            ["KpiGate:ConnectionString"] = $"Data Source={Path.Combine(folder, $"{queue}.db")}",
            ["KpiGate:WebMetricHosts:0"] = "127.0.0.1",
        };
        var host = TestHost.Build(settings, bus =>
        {
            bus.AddKpiGateStage();
            bus.AddConsumer<PassedProbe>().Endpoint(e => e.Name = $"{queue}-passed");
            bus.AddConsumer<FailedProbe>().Endpoint(e => e.Name = $"{queue}-failed");
        }, sink);
        await host.StartAsync();
        cleanups.Add(new QueueCleanup(rabbit, queue, $"{queue}-passed", $"{queue}-failed"));
        cleanups.Add(host);
        return host;
    }

    private async Task<Guid> Publish(WebApplication gate, string yaml, RunningExecutor executor, string environment)
    {
        var bus = gate.Services.GetRequiredService<IPublishEndpoint>();
        var approval = approvals.Approve(yaml, environment: environment);
        await bus.Publish(approval);
        await bus.Publish(new GreenReady(approval.DeploymentId, DateTimeOffset.UtcNow, approval.Target, new ImageReference("osha/haz-fast", "sha256:" + new string('0', 64)),
            Color.Green, executor.Http.BaseAddress!.ToString(), 1, TimeSpan.FromSeconds(1)));
        return approval.DeploymentId;
    }

    private sealed class FileRemoval(string path) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            File.Delete(path);
            return ValueTask.CompletedTask;
        }
    }
}
