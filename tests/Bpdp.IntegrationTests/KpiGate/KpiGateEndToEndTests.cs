using Bpdp.Contracts;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Executor;
using Bpdp.IntegrationTests.Servers;
using Bpdp.KpiGate;
using Bpdp.KpiGate.Analysis;
using Bpdp.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.IntegrationTests.KpiGate;

/// <summary>
/// The pre-promotion gate on the real RabbitMQ, judging a real executor under smoke traffic, with KPIs from the
/// real Prometheus scraping it — or scraped directly: the good policy passes, the faulty v1.0.1 fails on its
/// error rate with the measurements as evidence, and a Prometheus that stops mid-analysis fails the gate.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class KpiGateEndToEndTests(RealServers servers) : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-kpigate-e2e-").FullName;
    private readonly string run = Guid.NewGuid().ToString("N")[..8];
    private readonly MessageSink sink = new();
    private readonly List<IAsyncDisposable> cleanups = [];
    private readonly ApprovalSigning approvals = new();
    private readonly Dictionary<string, string> policies = [];

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

    [Theory]
    [InlineData(KpiSourceKind.Prometheus)]
    [InlineData(KpiSourceKind.Scrape)]
    public async Task The_good_policy_passes_under_smoke_traffic_and_the_faulty_one_fails_on_its_error_rate(KpiSourceKind source)
    {
        var prometheus = await servers.Prometheus();
        var gate = await StartGate(source, prometheus.BaseAddress);
        await using var good = await Executor("1.1.0", "green");
        await using var faulty = await Executor("1.0.1", "blue");

        if (source == KpiSourceKind.Prometheus)
        {
            await Scraped(prometheus.BaseAddress, good);
            await Scraped(prometheus.BaseAddress, faulty);
        }

        var goodId = await Publish(gate, good, "1.1.0", Color.Green);
        var faultyId = await Publish(gate, faulty, "1.0.1", Color.Blue);

        var passed = (await sink.WaitFor<KpiPassed>(nameof(PassedProbe), m => m.DeploymentId == goodId, TimeSpan.FromSeconds(60))).Message;
        Assert.Equal(AnalysisPhase.PrePromotion, passed.Phase);
        Assert.Equal(3, passed.Measurements.Count(m => m.Metric == MetricSpec.ErrorRate));
        Assert.All(passed.Measurements.Where(m => m.Metric == MetricSpec.ErrorRate && m.Outcome == MeasurementOutcome.Successful), m => Assert.Equal(0, m.Value));
        Assert.Contains(passed.Measurements, m => m.Metric == MetricSpec.P95WaitTime && m.Outcome == MeasurementOutcome.Successful && m.Value is > 0 and < 0.25);

        var failed = (await sink.WaitFor<KpiFailed>(nameof(FailedProbe), m => m.DeploymentId == faultyId, TimeSpan.FromSeconds(60))).Message;
        Assert.StartsWith("error-rate failed", failed.Reason, StringComparison.Ordinal);
        var breach = Assert.Single(failed.Measurements, m => m.Outcome == MeasurementOutcome.Failed);
        Assert.Equal(MetricSpec.ErrorRate, breach.Metric);
        Assert.True(breach.Value > 0.01, $"measured {breach.Value}");
        Assert.Equal(0.01, breach.Threshold);
        Assert.DoesNotContain(sink.ReceivedBy(nameof(PassedProbe)).OfType<ConsumeContext<KpiPassed>>(), c => c.Message.DeploymentId == faultyId);
    }

    [Fact]
    public async Task Prometheus_stopped_mid_analysis_fails_the_gate_on_query_errors_never_passes()
    {
        await using var executor = await Executor("1.1.0", "green", count: 6);
        var prometheus = await PrivatePrometheus.Start(executor.Http.BaseAddress!.Authority);
        await Scraped(prometheus.BaseAddress, executor);
        cleanups.Add(prometheus);
        var gate = await StartGate(KpiSourceKind.Prometheus, prometheus.BaseAddress);

        var id = await Publish(gate, executor, "1.1.0", Color.Green);
        await Eventually.Holds(async () => await prometheus.QueriesAnswered() >= 2, "the first round was measured", TimeSpan.FromSeconds(30));
        await prometheus.Stop();

        var failed = (await sink.WaitFor<KpiFailed>(nameof(FailedProbe), m => m.DeploymentId == id, TimeSpan.FromSeconds(60))).Message;
        Assert.Contains("could not be measured 3 times in a row (limit 2)", failed.Reason, StringComparison.Ordinal);
        Assert.Contains(failed.Measurements, m => m.Outcome == MeasurementOutcome.Error && m.Detail!.Contains("could not be queried", StringComparison.Ordinal));
        Assert.Empty(sink.ReceivedBy(nameof(PassedProbe)));
    }

    [Fact]
    public async Task With_the_direct_scrape_an_executor_that_stops_answering_fails_the_gate_on_scrape_errors()
    {
        var prometheus = await servers.Prometheus();
        var gate = await StartGate(KpiSourceKind.Scrape, prometheus.BaseAddress);
        var executor = await Executor("1.1.0", "green", count: 6);
        var id = await Publish(gate, executor, "1.1.0", Color.Green);
        await Eventually.Holds(() => MeasuredOnce(executor), "the first round was measured", TimeSpan.FromSeconds(30));
        await executor.DisposeAsync();

        var failed = (await sink.WaitFor<KpiFailed>(nameof(FailedProbe), m => m.DeploymentId == id, TimeSpan.FromSeconds(60))).Message;
        Assert.Contains("could not be measured 3 times in a row (limit 2)", failed.Reason, StringComparison.Ordinal);
        Assert.Contains(failed.Measurements, m => m.Outcome == MeasurementOutcome.Error && m.Detail!.Contains("could not be scraped", StringComparison.Ordinal));
        Assert.Empty(sink.ReceivedBy(nameof(PassedProbe)));
    }

    /// <summary>Smoke traffic has reached the executor for longer than one interval: the gate has read it at least once.</summary>
    private static async Task<bool> MeasuredOnce(RunningExecutor executor) =>
        (await executor.Http.GetStringAsync(new Uri("metrics", UriKind.Relative))).Split('\n')
            .Where(l => l.StartsWith("bpdp_policy_requests_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)) >= 150;

    private async Task<WebApplication> StartGate(KpiSourceKind source, Uri prometheus)
    {
        var rabbit = await servers.RabbitMq();
        var queue = $"kpi-gate-{run}-{source}".ToLowerInvariant();
        var settings = new Dictionary<string, string?>([.. rabbit.ServiceSettings(), .. approvals.TrustedKeySettings(folder, "KpiGate")])
        {
            ["KpiGate:Queue"] = queue,
            ["KpiGate:ConnectionString"] = $"Data Source={Path.Combine(folder, $"runs-{source}.db")}",
            ["KpiGate:Source"] = source.ToString(),
            ["KpiGate:PrometheusUrl"] = prometheus.ToString(),
            ["KpiGate:RateWindowSeconds"] = "3",
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

    /// <summary>
    /// An executor of the example policy with a short analysis (2 s × <paramref name="count"/>) under 50 requests a second
    /// (v1.0.1 fails a few percent of them), registered with the shared Prometheus.
    /// </summary>
    private async Task<RunningExecutor> Executor(string version, string color, int count = 3)
    {
        var yaml = (await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", $"v{version}.yaml")))
            .Replace("interval: 5s", "interval: 2s", StringComparison.Ordinal).Replace("count: 4", $"count: {count}", StringComparison.Ordinal)
            .Replace("smokeTrafficPerSecond: 20", "smokeTrafficPerSecond: 50", StringComparison.Ordinal);
        var path = Path.Combine(folder, $"{version}.yaml");
        await File.WriteAllTextAsync(path, yaml);
        policies[version] = yaml;
        var executor = await RunningExecutor.Start(path, color);
        var prometheus = await servers.Prometheus();
        var targets = Path.Combine(prometheus.TargetsFolder, $"kpigate-{run}-{version}.json");
        await File.WriteAllTextAsync(targets, $"[{{\"targets\":[\"{executor.Http.BaseAddress!.Authority}\"]}}]");
        cleanups.Add(new FileRemoval(targets));
        return executor;
    }

    /// <summary>Waits until Prometheus has scraped the executor, so the first measurement has data to read.</summary>
    private static async Task Scraped(Uri prometheus, RunningExecutor executor)
    {
        using var http = new HttpClient();
        var query = Uri.EscapeDataString($"up{{instance=\"{executor.Http.BaseAddress!.Authority}\"}} == 1");
        await Eventually.Holds(async () => (await http.GetStringAsync(new Uri(prometheus, $"api/v1/query?query={query}"))).Contains("\"value\"", StringComparison.Ordinal),
            $"Prometheus scrapes {executor.Http.BaseAddress}", TimeSpan.FromSeconds(30));
    }

    /// <summary>Approves the version's policy (the gate's only source of thresholds), then asks for its pre-promotion gate.</summary>
    private async Task<Guid> Publish(WebApplication gate, RunningExecutor executor, string version, Color color)
    {
        var id = Guid.NewGuid();
        var environment = $"test-{id:N}"[..20];
        var bus = gate.Services.GetRequiredService<IPublishEndpoint>();
        await bus.Publish(approvals.Approve(policies[version], id, environment));
        await bus.Publish(new GreenReady(id, DateTimeOffset.UtcNow, new DeploymentTarget("osha", environment, "haz-fast", version),
            new ImageReference("osha/haz-fast", "sha256:" + new string('0', 64)), color, executor.Http.BaseAddress!.ToString(), 1, TimeSpan.FromSeconds(1)));
        return id;
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
