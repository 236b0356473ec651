using Bpdp.Platform.Bus.Identity;
using System.Security.Cryptography;
using Bpdp.Contracts;
using Bpdp.Pipeline.Observing;
using Bpdp.Platform.Hosting;
using Bpdp.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bpdp.Bench.Pipeline;

/// <summary>
/// Every stage in its own process on the real RabbitMQ, registry, PostgreSQL (the Coordinator's sagas) and
/// Prometheus (finding executors through the Rollout's file_sd files); the ledger on SQLite. Approvals are
/// published and every pipeline message recorded by this process over RabbitMQ.
/// </summary>
internal sealed class DistributedPipeline : IPipelineUnderTest
{
    private const string ApproverKeyId = "bench-approvals";
    private readonly WebApplication recorderHost;
    private readonly List<(string Project, ServiceProcess Process)> stages;
    private readonly string workdir;
    private readonly string run;
    private readonly Dictionary<string, string?> settings;
    private readonly DateTime startedAt = DateTime.UtcNow;

    private DistributedPipeline(WebApplication recorderHost, List<(string Project, ServiceProcess Process)> stages, string workdir, string run, PipelineRecorder recorder,
        Dictionary<string, string?> settings)
    {
        this.recorderHost = recorderHost;
        this.stages = stages;
        this.workdir = workdir;
        this.run = run;
        this.settings = settings;
        Recorder = recorder;
    }

    /// <summary>Every stage process, replicas included: its project (Builder, Scanner, …) and its operating-system process id.</summary>
    public IReadOnlyList<(string Project, int ProcessId)> StageProcesses => [.. stages.Select(s => (s.Project, s.Process.ProcessId))];

    /// <summary>Starts one more process of <paramref name="project"/> on the same queue: a competing consumer.</summary>
    public async Task AddReplica(string project) =>
        stages.Add((project, await ServiceProcess.StartFromOwnOutput($"services/{project}", $"Bpdp.{project}.dll", FreeTcpPort.Next(), settings)));

    public string Name => "distributed";

    public PipelineRecorder Recorder { get; }

    public string KeyId => ApproverKeyId;

    public string Logs => string.Join('\n', stages.Select(s => $"--- {s.Project} ---\n{s.Process.Log}"));

    /// <summary>The servers named by <c>scripts/services.sh env</c>; null, said on stderr, when one is missing.</summary>
    public static async Task<DistributedPipeline?> Start(string executor, string baseImage, ECDsa approvalKey, IReadOnlyDictionary<string, string?> gate)
    {
        string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
        if (Env("BPDP_TEST_RABBITMQ") is not { } amqp || Env("BPDP_TEST_REGISTRY") is not { } registry || Env("BPDP_TEST_POSTGRES") is not { } postgres
            || Env("BPDP_TEST_PROMETHEUS") is not { } prometheus || Env("BPDP_TEST_PROMETHEUS_TARGETS") is not { } targets)
        {
            await Console.Error.WriteLineAsync("distributed: skipped; eval \"$(scripts/services.sh env)\" first (RabbitMQ, registry, PostgreSQL, Prometheus).");
            return null;
        }

        var run = Guid.NewGuid().ToString("N")[..8];
        var workdir = Directory.CreateTempSubdirectory("bpdp-bench-distributed-").FullName;
        var keys = Directory.CreateDirectory(Path.Combine(workdir, "keys")).FullName;
        await File.WriteAllTextAsync(Path.Combine(keys, "approvals.pub.pem"), approvalKey.ExportSubjectPublicKeyInfoPem());
        foreach (var name in new[] { "release", "scanner", "ledger" })
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await File.WriteAllTextAsync(Path.Combine(keys, $"{name}.key.pem"), key.ExportECPrivateKeyPem());
            await File.WriteAllTextAsync(Path.Combine(keys, $"{name}.pub.pem"), key.ExportSubjectPublicKeyInfoPem());
        }

        var bus = RabbitMqSettings(new Uri(amqp));
        var settings = new Dictionary<string, string?>(bus)
        {
            ["Builder:Queue"] = $"bench-builder-{run}",
            ["Scanner:Queue"] = $"bench-scanner-{run}",
            ["Publisher:Queue"] = $"bench-publisher-{run}",
            ["Rollout:Queue"] = $"bench-rollout-{run}",
            ["KpiGate:Queue"] = $"bench-kpi-gate-{run}",
            ["Ledger:Queue"] = $"bench-ledger-{run}",
            ["Coordinator:Queue"] = $"bench-coordinator-{run}",
            ["Builder:ExecutorBinary"] = executor,
            ["Builder:BaseImage"] = baseImage,
            [$"Builder:TrustedKeys:{ApproverKeyId}:PublicKeyFile"] = Path.Combine(keys, "approvals.pub.pem"),
            [$"Builder:TrustedKeys:{ApproverKeyId}:Agencies:0"] = "*",
            [$"Builder:TrustedKeys:{ApproverKeyId}:Environments:0"] = "*",
            [$"KpiGate:TrustedKeys:{ApproverKeyId}:PublicKeyFile"] = Path.Combine(keys, "approvals.pub.pem"),
            [$"KpiGate:TrustedKeys:{ApproverKeyId}:Agencies:0"] = "*",
            [$"KpiGate:TrustedKeys:{ApproverKeyId}:Environments:0"] = "*",
            [$"Coordinator:TrustedKeys:{ApproverKeyId}:PublicKeyFile"] = Path.Combine(keys, "approvals.pub.pem"),
            [$"Coordinator:TrustedKeys:{ApproverKeyId}:Agencies:0"] = "*",
            [$"Coordinator:TrustedKeys:{ApproverKeyId}:Environments:0"] = "*",
            [$"Publisher:TrustedKeys:{ApproverKeyId}:PublicKeyFile"] = Path.Combine(keys, "approvals.pub.pem"),
            [$"Publisher:TrustedKeys:{ApproverKeyId}:Agencies:0"] = "*",
            [$"Publisher:TrustedKeys:{ApproverKeyId}:Environments:0"] = "*",
            ["Images:Store"] = "Registry",
            ["Registry:Url"] = $"http://{registry}",
            ["Scanner:SigningKeyFile"] = Path.Combine(keys, "scanner.key.pem"),
            ["Scanner:SigningKeyId"] = "scanner",
            ["Publisher:SigningKeyFile"] = Path.Combine(keys, "release.key.pem"),
            ["Publisher:ScannerKeys:scanner:PublicKeyFile"] = Path.Combine(keys, "scanner.pub.pem"),
            ["Publisher:ReleaseRepositoryPrefix"] = $"bench-{run}",
            ["Rollout:ReleaseKeys:release:PublicKeyFile"] = Path.Combine(keys, "release.pub.pem"),
            [$"Rollout:TrustedKeys:{ApproverKeyId}:PublicKeyFile"] = Path.Combine(keys, "approvals.pub.pem"),
            [$"Rollout:TrustedKeys:{ApproverKeyId}:Agencies:0"] = "*",
            [$"Rollout:TrustedKeys:{ApproverKeyId}:Environments:0"] = "*",
            ["Rollout:ScannerKeys:scanner:PublicKeyFile"] = Path.Combine(keys, "scanner.pub.pem"),
            ["Rollout:Runner"] = "Process",
            ["Rollout:DataPlane:StopWithRollout"] = "true",
            ["Rollout:WorkDirectory"] = Path.Combine(workdir, "rollout"),
            ["Rollout:ScaleDownDelaySeconds"] = "1",
            ["Rollout:ScrapeTargetsDirectory"] = targets,
            ["KpiGate:Source"] = "Prometheus",
            ["KpiGate:PrometheusUrl"] = prometheus,
            ["KpiGate:RateWindowSeconds"] = "3",
            ["Ledger:Store"] = "Sqlite",
            ["Ledger:SqlitePath"] = Path.Combine(workdir, "ledger.db"),
            ["Ledger:SigningKeyFile"] = Path.Combine(keys, "ledger.key.pem"),
            ["KpiGate:Store"] = "Postgres",
            ["KpiGate:ConnectionString"] = postgres,
            ["KpiGate:Schema"] = $"bench_kpigate_{run}",
            ["Coordinator:Store"] = "Postgres",
            ["Coordinator:ConnectionString"] = postgres,
            ["Coordinator:Schema"] = $"bench_{run}",
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:MassTransit"] = "Warning",
            ["Logging:LogLevel:Microsoft"] = "Warning",
            ["Logging:LogLevel:System"] = "Warning",
        };
        foreach (var (key, value) in gate)
        {
            settings[key] = value;
        }

        var stages = new List<(string Project, ServiceProcess Process)>();
        foreach (var project in new[] { "Ledger", "Coordinator", "Builder", "Scanner", "Publisher", "Rollout", "KpiGate" })
        {
            stages.Add((project, await ServiceProcess.StartFromOwnOutput($"services/{project}", $"Bpdp.{project}.dll", FreeTcpPort.Next(), settings)));
        }

        var recorder = new PipelineRecorder();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(bus) { ["Service:HttpAddress"] = "127.0.0.1", ["Service:HttpPort"] = "0",
            ["Logging:LogLevel:Default"] = "Warning" });
        builder.Services.AddSingleton(recorder);
        builder.AddBpdpService("bench-recorder", configure => PipelineRecorder.Register(configure, $"bench-recorder-{run}"));
        // The service's console logger is added by AddBpdpService; the benchmark's output is its report alone.
        builder.Logging.ClearProviders();
        var host = builder.Build();
        await host.StartAsync();
        return new DistributedPipeline(host, stages, workdir, run, recorder, settings);
    }

    public Task Approve(ArtifactApproved approval) => recorderHost.Services.GetRequiredService<IPublishEndpoint>().Publish(approval);

    /// <summary>The bus settings of a client of <paramref name="amqp"/>, as every stage of the run has them.</summary>
    public static Dictionary<string, string?> RabbitMqSettings(Uri amqp)
    {
        var credentials = Uri.UnescapeDataString(amqp.UserInfo).Split(':', 2);
        var virtualHost = Uri.UnescapeDataString(amqp.AbsolutePath.TrimStart('/'));
        // One broker user plays every identity here: every stage accepts its messages as its owner's.
        return new Dictionary<string, string?>(SenderOptions.AllAs(credentials[0]))
        {
            ["Bus:Transport"] = "RabbitMq",
            ["RabbitMq:Host"] = amqp.Host,
            ["RabbitMq:Port"] = amqp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RabbitMq:VirtualHost"] = virtualHost.Length == 0 ? "/" : virtualHost,
            ["RabbitMq:Username"] = credentials[0],
            ["RabbitMq:Password"] = credentials.Length > 1 ? credentials[1] : "",
        };
    }

    public async ValueTask DisposeAsync()
    {
        await recorderHost.StopAsync();
        await recorderHost.DisposeAsync();
        foreach (var (_, stage) in Enumerable.Reverse(stages))
        {
            await stage.DisposeAsync();
        }

        Directory.Delete(workdir, recursive: true);
        DeleteScrapeTargets();
        await DeleteQueues();
    }

    /// <summary>
    /// The scrape targets the run's Rollout wrote into the shared Prometheus directory: the Rollout leaves them when it
    /// stops, and a later run's Prometheus would scrape every dead executor of every earlier run each second.
    /// </summary>
    private void DeleteScrapeTargets()
    {
        if (settings.GetValueOrDefault("Rollout:ScrapeTargetsDirectory") is not { } directory || !Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("bpdp-*.json").Where(f => f.LastWriteTimeUtc >= startedAt))
        {
            file.Delete();
        }
    }

    /// <summary>The run's queues, deleted through the management API so later runs' events do not pile up in them.</summary>
    private async Task DeleteQueues()
    {
        if (Environment.GetEnvironmentVariable("BPDP_TEST_RABBITMQ_MANAGEMENT") is not { Length: > 0 } management)
        {
            return;
        }

        using var http = Scale.BrokerStatistics.Client(new Uri(management), new Uri(Environment.GetEnvironmentVariable("BPDP_TEST_RABBITMQ")!));
        foreach (var stage in new[] { "builder", "scanner", "publisher", "rollout", "kpi-gate", "ledger", "coordinator", "recorder" })
        {
            using var _ = await http.DeleteAsync(new Uri($"api/queues/%2F/bench-{stage}-{run}", UriKind.Relative));
        }
    }
}
