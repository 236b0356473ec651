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
    private readonly GateTestBed bed = new(servers);
    private MessageSink sink = null!;

    public Task InitializeAsync()
    {
        sink = bed.Sink;
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => bed.DisposeAsync().AsTask();

    [Theory]
    [InlineData(KpiSourceKind.Prometheus)]
    [InlineData(KpiSourceKind.Scrape)]
    public async Task The_good_policy_passes_under_smoke_traffic_and_the_faulty_one_fails_on_its_error_rate(KpiSourceKind source)
    {
        var prometheus = await servers.Prometheus();
        var gate = await StartGate(source, prometheus.BaseAddress);
        var good = await Executor("1.1.0", "green");
        var faulty = await Executor("1.0.1", "blue");

        if (source == KpiSourceKind.Prometheus)
        {
            await Scraped(prometheus.BaseAddress, good);
            await Scraped(prometheus.BaseAddress, faulty);
        }

        var goodId = await Publish(gate, good, "1.1.0", Color.Green);
        var faultyId = await Publish(gate, faulty, "1.0.1", Color.Blue);

        var passed = (await sink.WaitFor<KpiPassed>(nameof(GateTestBed.PassedProbe), m => m.DeploymentId == goodId, TimeSpan.FromSeconds(60))).Message;
        Assert.Equal(AnalysisPhase.PrePromotion, passed.Phase);
        Assert.Equal(3, passed.Measurements.Count(m => m.Metric == MetricSpec.ErrorRate));
        Assert.All(passed.Measurements.Where(m => m.Metric == MetricSpec.ErrorRate && m.Outcome == MeasurementOutcome.Successful), m => Assert.Equal(0, m.Value));
        Assert.Contains(passed.Measurements, m => m.Metric == MetricSpec.P95WaitTime && m.Outcome == MeasurementOutcome.Successful && m.Value is > 0 and < 0.25);

        var failed = (await sink.WaitFor<KpiFailed>(nameof(GateTestBed.FailedProbe), m => m.DeploymentId == faultyId, TimeSpan.FromSeconds(60))).Message;
        Assert.StartsWith("error-rate failed", failed.Reason, StringComparison.Ordinal);
        var breach = Assert.Single(failed.Measurements, m => m.Outcome == MeasurementOutcome.Failed);
        Assert.Equal(MetricSpec.ErrorRate, breach.Metric);
        Assert.True(breach.Value > 0.01, $"measured {breach.Value}");
        Assert.Equal(0.01, breach.Threshold);
        Assert.DoesNotContain(sink.ReceivedBy(nameof(GateTestBed.PassedProbe)).OfType<ConsumeContext<KpiPassed>>(), c => c.Message.DeploymentId == faultyId);
    }

    [Fact]
    public async Task Prometheus_stopped_mid_analysis_fails_the_gate_on_query_errors_never_passes()
    {
        var executor = await Executor("1.1.0", "green", count: 6);
        var prometheus = await PrivatePrometheus.Start(executor.Http.BaseAddress!.Authority);
        await Scraped(prometheus.BaseAddress, executor);
        bed.Add(prometheus);
        var gate = await StartGate(KpiSourceKind.Prometheus, prometheus.BaseAddress);

        var id = await Publish(gate, executor, "1.1.0", Color.Green, count: 6);
        await Eventually.Holds(async () => await prometheus.QueriesAnswered() >= 2, "the first round was measured", TimeSpan.FromSeconds(30));
        await prometheus.Stop();

        var failed = (await sink.WaitFor<KpiFailed>(nameof(GateTestBed.FailedProbe), m => m.DeploymentId == id, TimeSpan.FromSeconds(60))).Message;
        Assert.Contains("could not be measured 3 times in a row (limit 2)", failed.Reason, StringComparison.Ordinal);
        Assert.Contains(failed.Measurements, m => m.Outcome == MeasurementOutcome.Error && m.Detail!.Contains("could not be queried", StringComparison.Ordinal));
        Assert.Empty(sink.ReceivedBy(nameof(GateTestBed.PassedProbe)));
    }

    [Fact]
    public async Task With_the_direct_scrape_an_executor_that_stops_answering_fails_the_gate_on_scrape_errors()
    {
        var prometheus = await servers.Prometheus();
        var gate = await StartGate(KpiSourceKind.Scrape, prometheus.BaseAddress);
        var executor = await Executor("1.1.0", "green", count: 6);
        var id = await Publish(gate, executor, "1.1.0", Color.Green, count: 6);
        await Eventually.Holds(() => MeasuredOnce(executor), "the first round was measured", TimeSpan.FromSeconds(30));
        await executor.DisposeAsync();

        var failed = (await sink.WaitFor<KpiFailed>(nameof(GateTestBed.FailedProbe), m => m.DeploymentId == id, TimeSpan.FromSeconds(60))).Message;
        Assert.Contains("could not be measured 3 times in a row (limit 2)", failed.Reason, StringComparison.Ordinal);
        Assert.Contains(failed.Measurements, m => m.Outcome == MeasurementOutcome.Error && m.Detail!.Contains("could not be scraped", StringComparison.Ordinal));
        Assert.Empty(sink.ReceivedBy(nameof(GateTestBed.PassedProbe)));
    }

    /// <summary>Smoke traffic has reached the executor for longer than one interval: the gate has read it at least once.</summary>
    private static async Task<bool> MeasuredOnce(RunningExecutor executor) =>
        (await executor.Http.GetStringAsync(new Uri("metrics", UriKind.Relative))).Split('\n')
            .Where(l => l.StartsWith("bpdp_policy_requests_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)) >= 150;

    private Task<WebApplication> StartGate(KpiSourceKind source, Uri prometheus) => bed.StartGate(new Dictionary<string, string?>
    {
        ["KpiGate:Source"] = source.ToString(),
        ["KpiGate:PrometheusUrl"] = prometheus.ToString(),
        ["KpiGate:RateWindowSeconds"] = "3",
    });

    /// <summary>The example policy with a short analysis (2 s × <paramref name="count"/>) under 50 requests a second (v1.0.1 fails a few percent of them).</summary>
    private static string Policy(string version, int count = 3) =>
        File.ReadAllText(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", $"v{version}.yaml"))
            .Replace("interval: 5s", "interval: 2s", StringComparison.Ordinal).Replace("count: 4", $"count: {count}", StringComparison.Ordinal)
            .Replace("smokeTrafficPerSecond: 20", "smokeTrafficPerSecond: 50", StringComparison.Ordinal);

    /// <summary>An executor of the version's short policy, registered with the shared Prometheus.</summary>
    private async Task<RunningExecutor> Executor(string version, string color, int count = 3)
    {
        var executor = await bed.Executor(Policy(version, count), color);
        await bed.Register(await servers.Prometheus(), executor.Http.BaseAddress!.ToString());
        return executor;
    }

    private static Task Scraped(Uri prometheus, RunningExecutor executor) => GateTestBed.Scraped(new PrometheusServer(prometheus, ""), executor);

    private Task<Guid> Publish(WebApplication gate, RunningExecutor executor, string version, Color color, int count = 3) =>
        bed.Publish(gate, Policy(version, count), executor, $"test-{Guid.NewGuid():N}"[..20], color);
}
