using System.Globalization;
using System.Security.Cryptography;
using Bpdp.Bench.Pipeline;

namespace Bpdp.Bench.Scale;

/// <summary>
/// Many agencies deploying at once, distributed: every stage in its own process on the real RabbitMQ, registry,
/// PostgreSQL and Prometheus. For each load a pipeline is started; one target deploys alone on it (its first
/// deployment is the cold start), then every target of the load deploys at once, a share of them a faulty version
/// that must be rolled back. Then the busiest stage gets a second replica and the largest load runs again, and the
/// bus is measured against raw MassTransit on the same broker.
/// </summary>
internal static class ScaleBenchmark
{
    public const string Workloads = "Rollout's data planes + executors";

    private const string Benchmark = "this benchmark (users, recorder)";

    /// <summary>The servers of scripts/services.sh by command name; PostgreSQL counted as its postmaster's children (a backend per connection).</summary>
    private static readonly Dictionary<string, string> Servers = new(StringComparer.Ordinal)
    {
        ["RabbitMQ"] = "beam.smp",
        ["PostgreSQL"] = "postgres",
        ["Prometheus"] = "prometheus",
        ["registry"] = "docker-registry",
    };

    /// <summary>Stages that may run as replicas here: their state is shared (PostgreSQL) or they have none. The ledger (SQLite) and the Rollout (local processes) may not.</summary>
    private static readonly string[] Replicable = ["Builder", "Scanner", "Publisher", "KpiGate", "Coordinator"];

    private sealed record Options(IReadOnlyList<(int Agencies, int Environments)> Loads, int Deployments, double FaultyShare, int Alone, TimeSpan UsersPeriod, int SmokePerSecond,
        string? Replica, bool Json, TimeSpan Timeout, string? Logs);

    public static async Task<int> Run(string[] args)
    {
        if (Parse(args) is not { } options)
        {
            return 2;
        }

        if (BenchArgs.Option(args, "--bus-only") is { } only && Environment.GetEnvironmentVariable("BPDP_TEST_RABBITMQ") is { Length: > 0 } broker)
        {
            var (through, direct, quorumQueue) = await BusThroughput.Measure(new Uri(broker), int.Parse(only, CultureInfo.InvariantCulture));
            Console.WriteLine(FormattableString.Invariant($"BPDP's bus {through:F0}/s ÷ raw MassTransit {direct:F0}/s = {through / direct:F2}; raw on a quorum queue {quorumQueue:F0}/s"));
            return 0;
        }

        var root = Bpdp.Testing.RepositoryRoot.Path;
        var executor = Path.GetFullPath(BenchArgs.ExecutorPath(args));
        var baseImage = await PipelineBenchmark.PushBase(BenchArgs.Option(args, "--base") ?? Path.Combine(root, "artifacts", "base", "layout"));
        if (baseImage is null || Environment.GetEnvironmentVariable("BPDP_TEST_RABBITMQ") is not { Length: > 0 } amqp)
        {
            await Console.Error.WriteLineAsync("scale: needs the servers: eval \"$(scripts/services.sh env)\" after scripts/services.sh up, and scripts/build-base-image.sh.");
            return 2;
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var artifacts = new ScaleArtifacts(Path.Combine(root, "examples", "haz-fast"), options.SmokePerSecond);
        var loads = new List<LoadReport>();
        foreach (var (agencies, environments) in options.Loads)
        {
            loads.Add(await RunLoad(options, executor, baseImage, key, artifacts, agencies, environments, replica: null));
        }

        LoadReport? replicated = null;
        if (options.Replica != "none" && loads.Count > 0)
        {
            var largest = loads[^1];
            var stage = options.Replica ?? largest.Stages.Where(s => Replicable.Contains(s.Stage)).MaxBy(s => s.CpuSeconds)!.Stage;
            replicated = await RunLoad(options, executor, baseImage, key, artifacts, largest.Agencies, largest.Environments, stage);
        }

        var messages = (int)Math.Clamp(loads.Select(l => l.BrokerDeliveries).DefaultIfEmpty(0).Max(), 1000, 200_000);
        Progress($"bus: {messages} messages through BPDP's bus and through raw MassTransit");
        var (bus, raw, quorum) = await BusThroughput.Measure(new Uri(amqp), messages);
        var report = new ScaleReport(loads, replicated, bus, raw, quorum, messages, Environment.ProcessorCount);
        if (options.Json)
        {
            Console.WriteLine(report.ToJson());
        }
        else
        {
            report.Print(Console.Out);
        }

        return loads.Append(replicated).OfType<LoadReport>().All(l => l.Unexpected.Count == 0) ? 0 : 1;
    }

    private static async Task<LoadReport> RunLoad(Options options, string executor, string baseImage, ECDsa key, ScaleArtifacts artifacts, int agencies, int environments, string? replica)
    {
        var gate = new Dictionary<string, string?>
        {
            ["KpiGate:MaxIntervalSeconds"] = "1",
            ["KpiGate:MaxSoakSeconds"] = "3",
        };
        var targets = agencies * environments;
        Progress($"{targets} targets ({agencies} agencies × {environments} environments){(replica is null ? "" : $", two {replica}s")}: starting every stage");
        await using var pipeline = await DistributedPipeline.Start(executor, baseImage, key, gate)
            ?? throw new InvalidOperationException("the servers of scripts/services.sh are not all named in the environment");
        if (replica is not null)
        {
            await pipeline.AddReplica(replica);
        }

        using var watch = new DeploymentWatch(pipeline.Recorder);
        var deployer = new TargetDeployments(pipeline, watch, key, artifacts, options.UsersPeriod, options.Timeout);
        var tag = Guid.NewGuid().ToString("N")[..4];
        Progress($"  one target alone: {1 + options.Alone} deployments");
        var alone = await deployer.Run(new Target("alone", $"alone-{tag}"), 1 + options.Alone, faultyLast: false);

        var all = Enumerable.Range(0, agencies).SelectMany(a => Enumerable.Range(0, environments).Select(e => new Target($"agency-{a:00}", $"env-{e:00}-{tag}"))).ToList();
        var faulty = all.Select((_, i) => Math.Floor((i + 1) * options.FaultyShare) > Math.Floor(i * options.FaultyShare)).ToList();
        Progress($"  {targets} targets at once, {options.Deployments} deployments each, {faulty.Count(f => f)} of them ending with a faulty version");
        var groups = pipeline.StageProcesses.GroupBy(s => s.Project)
            .Select(g => new ProcessMeter.Group(g.Key, [.. g.Select(s => s.ProcessId)], descendants: false)).ToList();
        groups.Add(new ProcessMeter.Group(Workloads, [.. pipeline.StageProcesses.Where(s => s.Project == "Rollout").Select(s => s.ProcessId)], descendants: true));
        groups.AddRange(ServerGroups());
        var kinds = groups.ToDictionary(g => g.Name, g => g.Name switch
        {
            Workloads => UseKind.Workload,
            Benchmark => UseKind.Benchmark,
            _ when Servers.ContainsKey(g.Name) => UseKind.Server,
            _ => UseKind.Stage,
        });
        var brokerBefore = await BrokerStatistics.Totals();
        var messagesBefore = pipeline.Recorder.Count;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        List<DeploymentOutcome>[] outcomes;
        await using (new ProcessMeter(groups))
        {
            using var progress = new Timer(_ => Progress($"  {watch.Finished} finished"), null, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15));
            outcomes = await Task.WhenAll(all.Select((target, i) => deployer.Run(target, options.Deployments, faulty[i])));
        }

        var wall = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        var brokerAfter = await BrokerStatistics.Totals();
        var done = outcomes.SelectMany(o => o).ToList();
        List<Step> StepsOf(IEnumerable<DeploymentOutcome> deployments) => [.. PipelineBenchmark.Steps(pipeline, deployments.Select(o => o.Id)).Select(s => new Step(s.Step, s.P50))];
        var report = new LoadReport(targets, agencies, environments, options.Deployments, replica, alone[0].ToGreenReadyMs, StepsOf(alone.Take(1)), StepsOf(alone.Skip(1)),
            Latency.Of(alone.Skip(1).Select(o => o.ToGreenReadyMs)),
            Latency.Of(done.Select(o => o.ToGreenReadyMs)), done.Count, done.Count(o => o.Terminal == "DeploymentCompleted"), done.Count(o => o.Terminal == "DeploymentRolledBack"),
            done.Count(o => o.Faulty), [.. alone.Concat(done).Where(o => !o.AsExpected).Select(Describe)], wall,
            pipeline.Recorder.Count - messagesBefore, brokerBefore is { } b && brokerAfter is { } a ? a.Delivered - b.Delivered : 0,
            [.. groups.Select(g => new StageUse(g.Name, kinds[g.Name], g.Descendants ? 0 : g.ProcessIds.Count, g.PeakMegabytes, g.CpuSeconds, g.PeakCores))]);
        if (options.Logs is { } logs)
        {
            await File.AppendAllTextAsync(logs, $"=== {targets} targets{(replica is null ? "" : $", two {replica}s")} ===\n{pipeline.Logs}\n");
        }

        Progress(FormattableString.Invariant($"  {report.Deployments} deployments in {wall:F0} s; approval → green ready p50 {report.UnderLoad.P50:F0} ms (alone {report.Alone.P50:F0} ms)"));
        return report;
    }

    private static IEnumerable<ProcessMeter.Group> ServerGroups()
    {
        var running = ProcessMeter.ProcessesByName();
        foreach (var (name, command) in Servers)
        {
            var processes = running[command].ToList();
            if (command == "postgres")
            {
                var postmasters = processes.Where(p => !processes.Any(q => q.Id == p.ParentId)).Select(p => p.Id).ToList();
                if (postmasters.Count > 0)
                {
                    yield return new ProcessMeter.Group(name, postmasters, descendants: true);
                }
            }
            else if (processes.Count > 0)
            {
                yield return new ProcessMeter.Group(name, [.. processes.Select(p => p.Id)], descendants: false);
            }
        }

        yield return new ProcessMeter.Group(Benchmark, [Environment.ProcessId], descendants: false);
    }

    private static string Describe(DeploymentOutcome o) => $"{o.Target} {o.Version}{(o.Faulty ? " (faulty)" : "")}: {o.Terminal}{(o.Why is { } why ? $" ({why})" : "")}";

    private static Options? Parse(string[] args)
    {
        int Int(string name, int fallback) => BenchArgs.Option(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
        var environments = Int("--environments", 5);
        List<(int, int)> loads;
        if (BenchArgs.Option(args, "--agencies") is { } agencies)
        {
            loads = [(int.Parse(agencies, CultureInfo.InvariantCulture), environments)];
        }
        else
        {
            var sizes = (BenchArgs.Option(args, "--targets") ?? "10,30,60").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
            if (sizes.Any(s => s % environments != 0))
            {
                Console.Error.WriteLine($"scale: every --targets size must be a multiple of --environments ({environments})");
                return null;
            }

            loads = [.. sizes.Select(s => (s / environments, environments))];
        }

        var deployments = Int("--deployments", 2);
        var faulty = Int("--faulty-percent", 20);
        if (deployments < 1 || faulty is < 0 or > 100 || loads.Any(l => l.Item1 < 1 || l.Item2 < 1))
        {
            Console.Error.WriteLine("scale: --agencies, --environments and --deployments must be at least 1, --faulty-percent between 0 and 100");
            return null;
        }

        var replica = BenchArgs.Option(args, "--replica");
        if (replica is not null && replica != "none" && !Replicable.Contains(replica))
        {
            Console.Error.WriteLine($"scale: --replica must be one of {string.Join(", ", Replicable)}, or none; the Ledger (SQLite) and the Rollout (local processes) cannot run twice here");
            return null;
        }

        return new Options(loads, deployments, deployments > 1 ? faulty / 100.0 : 0, Int("--alone", 3), TimeSpan.FromSeconds(1.0 / Int("--users-per-second", 5)),
            Int("--smoke-per-second", 10), replica, BenchArgs.Option(args, "--output") == "json", TimeSpan.FromMinutes(Int("--timeout-minutes", 5)), BenchArgs.Option(args, "--logs"));
    }

    private static void Progress(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] scale: {line}");
}
