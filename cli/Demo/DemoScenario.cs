using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.Ledger.Checkpoints;
using Bpdp.Ledger.Storage;
using Bpdp.Ledger.Verification;
using Bpdp.Pipeline.Embedded;
using Bpdp.Pipeline.Observing;
using Bpdp.Pipeline.Traffic;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bpdp.Cli.Demo;

/// <summary>
/// The demo's story: haz-fast 1.0.0 goes live; 1.1.0 replaces it; the faulty 1.0.1, deployed while users keep
/// calling the service, fails its KPI gate and is rolled back with traffic staying on 1.1.0; then the ledger
/// is verified. Progress goes to <paramref name="progress"/> as it happens.
/// </summary>
public sealed class DemoScenario(string workdir, string examples, TextWriter progress)
{
    private static readonly TimeSpan DeploymentTimeout = TimeSpan.FromSeconds(120);

    /// <param name="executorBinary">The executor that goes into every image.</param>
    /// <param name="cancel">Stops the scenario.</param>
    /// <param name="finished">Called with the outcome while the pipeline still runs (e.g. to keep its console up); the pipeline stops when it returns.</param>
    /// <param name="settings">Settings over the embedded defaults, e.g. the port.</param>
    public async Task<(IReadOnlyList<DeploymentOutcome> Deployments, VerificationResult Ledger)> Run(string executorBinary, CancellationToken cancel,
        Func<WebApplication, IReadOnlyList<DeploymentOutcome>, VerificationResult, Task>? finished = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        using var approvalKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var recorder = new PipelineRecorder();
        await using var app = EmbeddedPipeline.Build(workdir, executorBinary, approvalKey, recorder, settings, LogToFile);
        await app.StartAsync(cancel);
        var bus = app.Services.GetRequiredService<IPublishEndpoint>();
        var started = new System.Collections.Concurrent.ConcurrentDictionary<Guid, (string Version, Stopwatch Clock)>();
        SteadyLoad? load = null;
        recorder.Received += message =>
        {
            // Users arrive as soon as there is a live service: from the first cutover on, through every later deployment.
            if (message is TrafficCutOver { LiveEndpoint: { } endpoint } && load is null)
            {
                var users = new SteadyLoad(new Uri(endpoint), perSecond: 25);
                if (Interlocked.CompareExchange(ref load, users, null) is null)
                {
                    users.Start();
                    lock (progress)
                    {
                        progress.WriteLine($"  users now call the live service at {endpoint} (25 requests a second)");
                    }
                }
            }

            if (started.TryGetValue(message.DeploymentId, out var deployment))
            {
                lock (progress)
                {
                    progress.WriteLine($"  [{deployment.Version}] {deployment.Clock.Elapsed.TotalSeconds,6:F1}s  {Describe(message)}");
                }
            }
        };

        var outcomes = new List<DeploymentOutcome>();
        try
        {
            foreach (var (version, expected) in new[] { ("1.0.0", nameof(DeploymentCompleted)), ("1.1.0", nameof(DeploymentCompleted)), ("1.0.1", nameof(DeploymentRolledBack)) })
            {
                var id = Guid.NewGuid();
                var clock = Stopwatch.StartNew();
                started[id] = (version, clock);
                await progress.WriteLineAsync($"haz-fast {version}: approved and sent (expect {(expected == nameof(DeploymentCompleted) ? "live" : "rolled back")})");
                var (sentBefore, failedBefore) = (load?.Sent ?? 0, load?.Failed ?? 0);
                await bus.Publish(Approve(approvalKey, id, version), cancel);
                var terminal = await WaitForTerminal(recorder, id, cancel);
                var (sent, failed) = ((load?.Sent ?? 0) - sentBefore, (load?.Failed ?? 0) - failedBefore);
                outcomes.Add(Outcome(recorder, id, version, expected, terminal, clock.Elapsed, sent, failed));
                await progress.WriteLineAsync(
                    $"haz-fast {version}: {terminal?.GetType().Name ?? "no end within the timeout"} after {clock.Elapsed.TotalSeconds:F1} s; users' requests during it: {sent} sent, {failed} failed");
            }

            if (outcomes[^1].Final == nameof(DeploymentRolledBack) && load is not null)
            {
                await progress.WriteLineAsync($"live service answers version {await LiveVersion(recorder, outcomes, cancel)} after the rollback");
            }
        }
        finally
        {
            if (load is not null)
            {
                await load.DisposeAsync();
            }
        }

        // The ledger has caught up when it holds as many entries as messages were published; then the chain is checked end to end.
        using var ledger = SqliteLedger.Open(Path.Combine(workdir, "ledger.db"));
        var published = recorder.Count;
        var waited = Stopwatch.StartNew();
        while ((await ledger.Tail(cancel)).Sequence < published && waited.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancel);
        }

        await app.Services.GetRequiredService<CheckpointService>().CheckpointNow(cancel);
        await progress.WriteLineAsync($"ledger: {(await ledger.Tail(cancel)).Sequence} entries for {published} messages, checkpoint signed; verifying the chain");
        using var ledgerKey = CheckpointSigner.FromPemFile(Path.Combine(workdir, "keys", "ledger.key.pem"));
        using var publicKey = ledgerKey.PublicKey();
        var verdict = await LedgerVerifier.Verify(ledger, publicKey, cancel: cancel);
        if (finished is not null)
        {
            await finished(app, outcomes, verdict);
        }

        await app.StopAsync(CancellationToken.None);
        return (outcomes, verdict);
    }

    private ArtifactApproved Approve(ECDsa key, Guid id, string version)
    {
        var yaml = File.ReadAllText(Path.Combine(examples, $"v{version}.yaml"));
        var unsigned = new ArtifactApproved(id, DateTimeOffset.UtcNow, "haz-fast", version, "osha", "demo", yaml,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))), "demo.approver@osha.example", EmbeddedPipeline.ApproverKeyId, $"DEMO-{version}",
            DateTimeOffset.UtcNow, Signature: "");
        return ApprovalCanonicalForm.Sign(unsigned, key);
    }

    /// <summary>The console keeps the progress lines: every service's log goes to one file in the work directory, errors also to the console.</summary>
    private void LogToFile(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(null, LogLevel.Error);
        Directory.CreateDirectory(Path.Combine(workdir, "logs"));
        builder.Logging.AddProvider(new FileLoggerProvider(Path.Combine(workdir, "logs", "bpdp-demo.log")));
    }

    private static async Task<IPipelineMessage?> WaitForTerminal(PipelineRecorder recorder, Guid id, CancellationToken cancel)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < DeploymentTimeout)
        {
            if (recorder.Terminal(id) is { } terminal)
            {
                return terminal;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancel);
        }

        return null;
    }

    private static DeploymentOutcome Outcome(PipelineRecorder recorder, Guid id, string version, string expected, IPipelineMessage? terminal, TimeSpan elapsed, long sent, long failed)
    {
        var messages = recorder.For(id);
        var stages = new List<(string, TimeSpan)>();
        for (var i = 1; i < messages.Count; i++)
        {
            stages.Add((messages[i].Message.GetType().Name, messages[i].At - messages[i - 1].At));
        }

        var measurements = messages.Select(m => m.Message).SelectMany(m => m switch
        {
            KpiPassed passed => passed.Measurements,
            KpiFailed failedGate => failedGate.Measurements,
            _ => [],
        }).ToList();
        var reason = terminal switch
        {
            DeploymentRolledBack rolledBack => rolledBack.Reason,
            DeploymentFailed failedDeployment => failedDeployment.Reason,
            DeploymentRejected rejected => rejected.Reason,
            _ => null,
        };
        var approvedAt = messages.FirstOrDefault(m => m.Message is ArtifactApproved).At;
        var readyAt = messages.FirstOrDefault(m => m.Message is GreenReady).At;
        TimeSpan? toGreen = approvedAt != default && readyAt != default ? readyAt - approvedAt : null;
        return new DeploymentOutcome(version, expected, terminal?.GetType().Name ?? "Timeout", elapsed, stages, measurements, sent, failed, reason, toGreen);
    }

    private static async Task<string> LiveVersion(PipelineRecorder recorder, IReadOnlyList<DeploymentOutcome> outcomes, CancellationToken cancel)
    {
        _ = outcomes;
        var live = recorder.AllLiveEndpoints().LastOrDefault();
        if (live is null)
        {
            return "unknown";
        }

        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<JsonObject>(new Uri(new Uri(live), "v1/policy"), cancel))?["version"]?.GetValue<string>() ?? "unknown";
    }

    private static string Describe(IPipelineMessage message) => message switch
    {
        ArtifactApproved => "ArtifactApproved",
        ImageBuilt built => $"ImageBuilt {built.Image.Digest[..19]}… ({built.SizeBytes / 1024.0 / 1024.0:F1} MiB, {built.BuildDuration.TotalMilliseconds:F0} ms)",
        ImageScanned scanned => $"ImageScanned {(scanned.Passed ? "passed" : "BLOCKED")} ({scanned.Findings.Count} findings)",
        ImagePublished published => $"ImagePublished {published.Image.Repository}:{published.Tag}, signed",
        DeployGreen => "DeployGreen",
        GreenReady ready => $"GreenReady {ready.Color} at {ready.PreviewEndpoint} ({ready.TimeToReady.TotalMilliseconds:F0} ms)",
        KpiPassed passed => $"KpiPassed {passed.Phase}: {Kpis(passed.Measurements)}",
        KpiFailed failed => $"KpiFailed {failed.Phase}: {failed.Reason}",
        CutOverTraffic cut => $"CutOverTraffic → {cut.Color}",
        TrafficCutOver moved => $"TrafficCutOver live {moved.LiveColor} ({moved.SwitchDuration.TotalMilliseconds:F2} ms)",
        RollBackDeployment back => $"RollBackDeployment: {back.Reason}",
        RolledBack rolled => $"RolledBack live {rolled.LiveColor} ({rolled.SwitchDuration.TotalMilliseconds:F2} ms)",
        DeploymentCompleted done => $"DeploymentCompleted, live {done.LiveColor}",
        DeploymentRolledBack rolledBack => $"DeploymentRolledBack: {rolledBack.Reason}",
        DeploymentFailed failed => $"DeploymentFailed in {failed.Stage}: {failed.Reason}",
        _ => message.GetType().Name,
    };

    private static string Kpis(IReadOnlyList<KpiMeasurement> measurements) =>
        string.Join(", ", measurements.GroupBy(m => m.Metric).Select(g => $"{g.Key} max {g.Max(m => m.Value) ?? double.NaN:G3} (≤ {g.First().Threshold:G3})"));
}
