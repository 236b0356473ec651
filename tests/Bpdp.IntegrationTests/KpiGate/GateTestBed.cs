using Bpdp.Contracts;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Executor;
using Bpdp.IntegrationTests.Servers;
using Bpdp.KpiGate;
using Bpdp.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.IntegrationTests.KpiGate;

/// <summary>
/// What the KpiGate's end-to-end tests share: a KpiGate in this process on the real RabbitMQ (its runs in SQLite), probes
/// for its verdicts, an approval system, executors registered with the shared Prometheus, and everything removed after.
/// </summary>
public sealed class GateTestBed(RealServers servers) : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> cleanups = [];

    public sealed class PassedProbe(MessageSink sink) : RecordingConsumer<KpiPassed>(sink);

    public sealed class FailedProbe(MessageSink sink) : RecordingConsumer<KpiFailed>(sink);

    public string Folder { get; } = Directory.CreateTempSubdirectory("bpdp-kpigate-e2e-").FullName;

    public string Run { get; } = Guid.NewGuid().ToString("N")[..8];

    public MessageSink Sink { get; } = new();

    public ApprovalSigning Approvals { get; } = new();

    public void Add(IAsyncDisposable cleanup) => cleanups.Add(cleanup);

    /// <summary>A KpiGate trusting <see cref="Approvals"/>, its runs in a SQLite file of its own, with <paramref name="settings"/> over those.</summary>
    public async Task<WebApplication> StartGate(IReadOnlyDictionary<string, string?> settings)
    {
        var rabbit = await servers.RabbitMq();
        var queue = $"kpi-gate-{Run}-{Guid.NewGuid():N}"[..30];
        var all = new Dictionary<string, string?>([.. rabbit.ServiceSettings(), .. Approvals.TrustedKeySettings(Folder, "KpiGate")])
        {
            ["KpiGate:Queue"] = queue,
            ["KpiGate:ConnectionString"] = $"Data Source={Path.Combine(Folder, $"{queue}.db")}",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var host = TestHost.Build(all, bus =>
        {
            bus.AddKpiGateStage();
            bus.AddConsumer<PassedProbe>().Endpoint(e => e.Name = $"{queue}-passed");
            bus.AddConsumer<FailedProbe>().Endpoint(e => e.Name = $"{queue}-failed");
        }, Sink);
        await host.StartAsync();
        cleanups.Add(new QueueCleanup(rabbit, queue, $"{queue}-passed", $"{queue}-failed"));
        cleanups.Add(host);
        return host;
    }

    /// <summary>An executor of <paramref name="yaml"/>, stopped with the bed.</summary>
    public async Task<RunningExecutor> Executor(string yaml, string color)
    {
        var path = Path.Combine(Folder, $"{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var executor = await RunningExecutor.Start(path, color);
        cleanups.Add(executor);
        return executor;
    }

    /// <summary>Makes the shared Prometheus scrape <paramref name="url"/>, until the bed is disposed.</summary>
    public async Task Register(PrometheusServer prometheus, string url)
    {
        var targets = Path.Combine(prometheus.TargetsFolder, $"kpigate-{Run}-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(targets, $"[{{\"targets\":[\"{new Uri(url).Authority}\"]}}]");
        cleanups.Add(new FileRemoval(targets));
    }

    /// <summary>Waits until Prometheus has scraped the executor, so the first measurement has data to read.</summary>
    public static Task Scraped(PrometheusServer prometheus, RunningExecutor executor) =>
        Eventually.Holds(() => Answers(prometheus.BaseAddress, $"up{{instance=\"{executor.Http.BaseAddress!.Authority}\"}} == 1"),
            $"Prometheus scrapes {executor.Http.BaseAddress}", TimeSpan.FromSeconds(30));

    public static async Task<bool> Answers(Uri prometheus, string query)
    {
        using var http = new HttpClient();
        return (await http.GetStringAsync(new Uri(prometheus, $"api/v1/query?query={Uri.EscapeDataString(query)}"))).Contains("\"value\"", StringComparison.Ordinal);
    }

    /// <summary>Approves <paramref name="yaml"/> in <paramref name="environment"/> (the gate's only source of thresholds), then asks for its pre-promotion gate.</summary>
    public async Task<Guid> Publish(WebApplication gate, string yaml, RunningExecutor executor, string environment, Color color = Color.Green)
    {
        var bus = gate.Services.GetRequiredService<IPublishEndpoint>();
        var approval = Approvals.Approve(yaml, environment: environment);
        await bus.Publish(approval);
        await bus.Publish(new GreenReady(approval.DeploymentId, DateTimeOffset.UtcNow, approval.Target, new ImageReference("osha/haz-fast", "sha256:" + new string('0', 64)),
            color, executor.Http.BaseAddress!.ToString(), 1, TimeSpan.FromSeconds(1)));
        return approval.DeploymentId;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var cleanup in Enumerable.Reverse(cleanups))
        {
            await cleanup.DisposeAsync();
        }

        Approvals.Dispose();
        Directory.Delete(Folder, recursive: true);
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
