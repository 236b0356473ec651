using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Images.Registry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.Bench.Pipeline;

/// <summary>
/// The pipeline end to end, embedded (every stage in this process) and distributed (every stage in its own
/// process on the real servers), the same scenario on both: 1.0.0 goes live; then N versions of 1.1.0 each
/// go live, timed from approval to green ready; then the faulty 1.0.1 passes its pre-promotion gate on
/// ordinary cases, goes live, and its users turn to the cases it fails on — timed from that breach (and
/// from the gate's first breaching measurement) to the users' first answer from the previous version.
/// Smoke traffic is off: the benchmark's own users call the preview during each pre-promotion gate.
/// </summary>
internal static class PipelineBenchmark
{
    private static readonly TimeSpan DeploymentTimeout = TimeSpan.FromMinutes(3);

    public static async Task<int> Run(string[] args)
    {
        var root = Bpdp.Testing.RepositoryRoot.Path;
        var executor = Path.GetFullPath(BenchArgs.ExecutorPath(args));
        var versions = int.Parse(BenchArgs.Option(args, "--deployments") ?? "4", System.Globalization.CultureInfo.InvariantCulture);
        using var approvalKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var gate = new Dictionary<string, string?>
        {
            ["KpiGate:SmokeTraffic"] = "false",
            ["KpiGate:MaxIntervalSeconds"] = "1",
            ["KpiGate:MaxSoakSeconds"] = "3",
        };

        Report embedded;
        double verification;
        await using (var pipeline = await EmbeddedPipeline.Start(executor, approvalKey, gate))
        {
            embedded = await Scenario(pipeline, root, approvalKey, versions);
            verification = await VerificationCost.PerDeploymentMs(pipeline);
        }

        Print(embedded);
        Console.WriteLine($"verification per deployment (the Builder's and the Coordinator's approval checks, the Rollout's release checks): {verification:F2} ms " +
            $"= {verification / embedded.ToGreenReady.P50:P2} of embedded approval → green ready p50 ({embedded.ToGreenReady.P50:F0} ms)");
        var baseLayout = BenchArgs.Option(args, "--base") ?? Path.Combine(root, "artifacts", "base", "layout");
        var baseImage = await PushBase(baseLayout);
        if (baseImage is null)
        {
            return 0;
        }

        await using var distributed = await DistributedPipeline.Start(executor, baseImage, approvalKey, gate);
        if (distributed is null)
        {
            return 0;
        }

        Report report;
        try
        {
            report = await Scenario(distributed, root, approvalKey, versions);
        }
        catch (TimeoutException)
        {
            await Console.Error.WriteLineAsync(distributed.Logs);
            throw;
        }

        Print(report);
        if (BenchArgs.Option(args, "--logs") is { } logs)
        {
            await File.WriteAllTextAsync(logs, distributed.Logs);
        }

        Console.WriteLine($"distributed ÷ embedded, approval → green ready p50: {report.ToGreenReady.P50 / embedded.ToGreenReady.P50:F2}");
        return embedded.SwitchFailures + report.SwitchFailures == 0 ? 0 : 1;
    }

    private sealed record Spread(double P50, double Max, int Count)
    {
        public static Spread Of(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return new Spread(Percentiles.Of(sorted, 50), sorted.Count == 0 ? double.NaN : sorted[^1], sorted.Count);
        }
    }

    private sealed record Report(string Name, double FirstToGreenReady, Spread ToGreenReady, IReadOnlyList<(string Step, double P50)> Steps, double BreachToBack, double MeasurementToBack,
        double Interval, long SwitchFailures);

    /// <summary>Where the time to green ready goes: the median of each step, from the event before it to the event that ends it, as this process received them.</summary>
    internal static List<(string Step, double P50)> Steps(IPipelineUnderTest pipeline, IEnumerable<Guid> deployments)
    {
        Type[] order = [typeof(ArtifactApproved), typeof(ImageBuilt), typeof(ImageScanned), typeof(ImagePublished), typeof(DeployGreen), typeof(GreenReady)];
        var gaps = order.Skip(1).ToDictionary(t => t, _ => new List<double>());
        foreach (var id in deployments)
        {
            var seen = pipeline.Recorder.For(id).GroupBy(m => m.Message.GetType()).ToDictionary(g => g.Key, g => g.Min(m => m.At));
            for (var i = 1; i < order.Length; i++)
            {
                if (seen.TryGetValue(order[i - 1], out var from) && seen.TryGetValue(order[i], out var to))
                {
                    gaps[order[i]].Add((to - from).TotalMilliseconds);
                }
            }
        }

        return [.. gaps.Select(g => (g.Key.Name, Percentiles.Of([.. g.Value.Order()], 50)))];
    }

    private static async Task<Report> Scenario(IPipelineUnderTest pipeline, string root, ECDsa key, int versions)
    {
        var examples = Path.Combine(root, "examples", "haz-fast");
        var environment = $"bench-{Guid.NewGuid():N}"[..14];
        PipelineUsers? live = null;
        var (first, _) = await Deploy(pipeline, key, await File.ReadAllTextAsync(Path.Combine(examples, "v1.0.0.yaml")), environment, expectLive: true,
            onLive: cutOver => live = new PipelineUsers(new Uri(cutOver.LiveEndpoint!)));
        await using var users = live!;
        var toReady = new List<double>();
        var warm = new List<Guid>();
        var v110 = await File.ReadAllTextAsync(Path.Combine(examples, "v1.1.0.yaml"));
        for (var i = 1; i <= versions; i++)
        {
            var (deployment, _) = await Deploy(pipeline, key, v110.Replace("version: 1.1.0", $"version: 1.1.{i}", StringComparison.Ordinal), environment, expectLive: true);
            toReady.Add(deployment.ToGreenReady);
            warm.Add(deployment.Id);
        }

        var (faulty, breachedAt) = await Deploy(pipeline, key, await File.ReadAllTextAsync(Path.Combine(examples, "v1.0.1.yaml")), environment, expectLive: false,
            onLive: _ => users.Send(PipelineUsers.NoWorkforce));
        var backAt = users.Answers.Where(a => a.At > breachedAt && a.Version is { } v && v != "1.0.1").Select(a => a.At).DefaultIfEmpty(0).Min();
        if (backAt == 0)
        {
            throw new InvalidOperationException("the users never got an answer from the previous version after the breach");
        }

        var failed = pipeline.Recorder.For(faulty.Id).Select(m => m.Message).OfType<KpiFailed>().Single();
        var firstBreach = failed.Measurements.Where(m => m.Outcome == MeasurementOutcome.Failed).Min(m => m.MeasuredAt);
        var backWallClock = DateTimeOffset.UtcNow - Stopwatch.GetElapsedTime(backAt);
        return new Report(pipeline.Name, first.ToGreenReady, Spread.Of(toReady), Steps(pipeline, warm), Stopwatch.GetElapsedTime(breachedAt, backAt).TotalMilliseconds,
            (backWallClock - firstBreach).TotalMilliseconds, 1000, users.SwitchFailures);
    }

    private sealed record Deployed(Guid Id, double ToGreenReady);

    /// <summary>
    /// Approves, calls the preview while the pre-promotion gate runs, and waits for the terminal event;
    /// <paramref name="onLive"/> runs when traffic moves (users must be on the live service by then: a
    /// post-promotion gate without traffic never passes). Returns when traffic moved (stopwatch ticks), or 0.
    /// </summary>
    private static async Task<(Deployed Deployment, long CutOverAt)> Deploy(IPipelineUnderTest pipeline, ECDsa key, string yaml, string environment, bool expectLive,
        Action<TrafficCutOver>? onLive = null)
    {
        var version = yaml.Split('\n').First(l => l.TrimStart().StartsWith("version:", StringComparison.Ordinal)).Split(':', 2)[1].Trim();
        var unsigned = new ArtifactApproved(Guid.NewGuid(), DateTimeOffset.UtcNow, "haz-fast", version, "osha", environment, yaml,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))), "bench@osha.example", pipeline.KeyId, $"BENCH-{version}", DateTimeOffset.UtcNow, Signature: "");
        var approval = ApprovalCanonicalForm.Sign(unsigned, key);
        var approvedAt = Stopwatch.GetTimestamp();
        await pipeline.Approve(approval);
        PipelineUsers? preview = null;
        long cutOverAt = 0;
        var readyAt = 0L;
        var deadline = Stopwatch.StartNew();
        IPipelineMessage? terminal = null;
        while (terminal is null)
        {
            var messages = pipeline.Recorder.For(approval.DeploymentId).Select(m => m.Message).ToList();
            if (readyAt == 0 && messages.OfType<GreenReady>().FirstOrDefault() is { } ready)
            {
                readyAt = Stopwatch.GetTimestamp();
                preview = new PipelineUsers(new Uri(ready.PreviewEndpoint));
            }

            if (cutOverAt == 0 && messages.OfType<TrafficCutOver>().FirstOrDefault() is { } cutOver)
            {
                cutOverAt = Stopwatch.GetTimestamp();
                onLive?.Invoke(cutOver);
            }

            terminal = pipeline.Recorder.Terminal(approval.DeploymentId);
            if (deadline.Elapsed > DeploymentTimeout)
            {
                throw new TimeoutException($"{version} reached no terminal state in {DeploymentTimeout.TotalMinutes} min; it said: {string.Join(", ", messages.Select(m => m.GetType().Name))}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5));
        }

        if (preview is not null)
        {
            await preview.DisposeAsync();
        }

        var live = terminal is DeploymentCompleted;
        if (live != expectLive)
        {
            throw new InvalidOperationException($"{version} ended {terminal.GetType().Name}, expected {(expectLive ? "live" : "rolled back")}");
        }

        return (new Deployed(approval.DeploymentId, Stopwatch.GetElapsedTime(approvedAt, readyAt).TotalMilliseconds), cutOverAt);
    }

    private static void Print(Report report)
    {
        Console.WriteLine($"{report.Name}: approval → green ready, first (cold) {report.FirstToGreenReady:F0} ms; " +
            $"next {report.ToGreenReady.Count}: p50 {report.ToGreenReady.P50:F0} ms, max {report.ToGreenReady.Max:F0} ms");
        Console.WriteLine($"{report.Name}: steps (p50 ms): {string.Join(", ", report.Steps.Select(s => $"→ {s.Step} {s.P50:F0}"))}");
        Console.WriteLine($"{report.Name}: breach → users back on the previous version {report.BreachToBack:F0} ms ({report.BreachToBack / report.Interval:F2} intervals); " +
            $"first breaching measurement → back {report.MeasurementToBack:F0} ms; switch failures seen by users {report.SwitchFailures}");
    }

    /// <summary>The base image pushed to the benchmark's registry, as <c>repo@digest</c>; null without a registry.</summary>
    internal static async Task<string?> PushBase(string layout)
    {
        if (Environment.GetEnvironmentVariable("BPDP_TEST_REGISTRY") is not { Length: > 0 } registry || !File.Exists(Path.Combine(layout, "index.json")))
        {
            await Console.Error.WriteLineAsync("distributed: skipped; needs $BPDP_TEST_REGISTRY and the base image layout (scripts/build-base-image.sh).");
            return null;
        }

        var store = ImageStoreRegistration.CreateRegistryStore(new RegistryOptions { Url = new Uri($"http://{registry}") }, NullLogger<RegistryImageStore>.Instance);
        var image = await new OciLayout(layout).Pull("latest");
        await store.PushImage("bpdp/base", image);
        return $"bpdp/base@{image.Digest}";
    }
}
