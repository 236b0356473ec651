using System.Diagnostics;
using Bpdp.Contracts;
using Bpdp.KpiGate;
using Bpdp.KpiGate.Runs;
using Bpdp.KpiGate.Sources;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bpdp.Bench;

/// <summary>
/// How fast the gate reacts: an executor's /metrics (served here) turns to 5% errors at a random moment; the
/// analysis (direct-scrape source, 1 s interval) runs until it fails. Measured per trial: from the first scrape
/// that shows the breach to the verdict, and from the breach itself to the verdict, against the interval.
/// </summary>
internal static class KpiGateBenchmark
{
    public static async Task<int> Run(string[] args)
    {
        var interval = TimeSpan.FromSeconds(double.Parse(BenchArgs.Option(args, "--interval") ?? "1", System.Globalization.CultureInfo.InvariantCulture));
        var fromScrape = new List<double>();
        var fromBreach = new List<double>();
        var random = new Random(11);
        for (var trial = 0; trial < 8; trial++)
        {
            var metrics = new FakeExecutorMetrics();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            await using var app = builder.Build();
            app.MapGet("/metrics", () => Results.Text(metrics.Scrape()));
            await app.StartAsync();
            var held = await HeldRun(app.Urls.First() + "/", interval);

            var breachAfter = TimeSpan.FromSeconds(2) + (interval * random.NextDouble());
            _ = Task.Delay(breachAfter).ContinueWith(_ => metrics.Breach(), TaskScheduler.Default);
            var verdict = await held.Analysis.Run(held.Run, held.Approval, Owner, CancellationToken.None);
            var decided = Stopwatch.GetTimestamp();
            if (verdict is not KpiFailed { Inconclusive: false })
            {
                Console.Error.WriteLine($"trial {trial}: expected a failure, got {verdict}");
                return 1;
            }

            fromScrape.Add(Stopwatch.GetElapsedTime(metrics.FirstBreachingScrape!.Value, decided).TotalMilliseconds);
            fromBreach.Add(Stopwatch.GetElapsedTime(metrics.BreachedAt!.Value, decided).TotalMilliseconds);
            await app.StopAsync();
        }

        var scrape = Percentiles.Of([.. fromScrape.Order()], 50);
        var scrapeMax = fromScrape.Max();
        var breach = Percentiles.Of([.. fromBreach.Order()], 50);
        var breachMax = fromBreach.Max();
        var ms = interval.TotalMilliseconds;
        Console.WriteLine($"interval {ms:F0} ms, 8 trials");
        Console.WriteLine($"first breaching scrape → verdict: p50 {scrape:F1} ms, max {scrapeMax:F1} ms");
        Console.WriteLine($"breach → verdict: p50 {breach:F0} ms ({breach / ms:F2} intervals), max {breachMax:F0} ms ({breachMax / ms:F2} intervals); goal ≤ 1 interval + query time");
        return 0;
    }

    private const string Owner = "bench";

    /// <summary>A run of v1.0.1 (60 rounds at <paramref name="interval"/>) opened and claimed in a SQLite run store, as the driver would hand it over.</summary>
    private static async Task<(HeldAnalysis Analysis, HeldRun Run, ApprovedPolicy Approval)> HeldRun(string endpoint, TimeSpan interval)
    {
        var yaml = (await File.ReadAllTextAsync(Path.Combine("examples", "haz-fast", "v1.0.1.yaml"))).Replace("count: 4", "count: 60", StringComparison.Ordinal)
            // The fake executor exposes no latency histogram: its p95 is never measurable and must not end the run.
            .Replace("inconclusiveLimit: 1", "inconclusiveLimit: 100", StringComparison.Ordinal);
        var target = new DeploymentTarget("osha", "bench", "haz-fast", "1.0.1");
        var id = Guid.NewGuid();
        var approval = new ApprovedPolicy(id, target, yaml, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))), "bench");
        var database = Path.Combine(Path.GetTempPath(), $"bpdp-bench-kpigate-{id:N}.db");
        var dataSource = AnalysisTables.DataSource(AnalysisStoreKind.Sqlite, $"Data Source={database}");
        await AnalysisTables.Create(dataSource, AnalysisStoreKind.Sqlite, "", "", CancellationToken.None);
        var store = new SqlAnalysisStore(dataSource, "");
        await store.Open(new AnalysisRequest(id, AnalysisPhase.PrePromotion, target, Color.Green, endpoint, DateTimeOffset.UtcNow), DateTimeOffset.UtcNow, CancellationToken.None);
        var run = (await store.Claim(Owner, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), 1, CancellationToken.None)).Single();
        var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var options = Options.Create(new KpiGateOptions { Source = KpiSourceKind.Scrape, SmokeTraffic = false, MaxIntervalSeconds = interval.TotalSeconds });
        var analysis = new HeldAnalysis(new ScrapeSource(new HttpClient()), store, services.GetRequiredService<IHttpClientFactory>(), options, TimeProvider.System,
            NullLogger<HeldAnalysis>.Instance);
        return (analysis, run, approval);
    }

    /// <summary>An executor's counters: 100 requests a second, all decided until the breach, 5% errors after it.</summary>
    private sealed class FakeExecutorMetrics
    {
        private readonly long started = Stopwatch.GetTimestamp();
        private readonly Lock gate = new();
        private double breachedAtSeconds = double.PositiveInfinity;

        public long? BreachedAt { get; private set; }

        public long? FirstBreachingScrape { get; private set; }

        public void Breach()
        {
            lock (gate)
            {
                BreachedAt = Stopwatch.GetTimestamp();
                breachedAtSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            }
        }

        public string Scrape()
        {
            lock (gate)
            {
                var now = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var total = (long)(now * 100);
                var errors = now > breachedAtSeconds ? (long)((now - breachedAtSeconds) * 5) : 0;
                if (errors > 0 && FirstBreachingScrape is null)
                {
                    FirstBreachingScrape = Stopwatch.GetTimestamp();
                }

                const string labels = "policy=\"haz-fast\",version=\"1.0.1\",color=\"green\"";
                return $"bpdp_policy_requests_total{{{labels},outcome=\"decided\"}} {total - errors}\nbpdp_policy_requests_total{{{labels},outcome=\"error\"}} {errors}\n";
            }
        }
    }
}
