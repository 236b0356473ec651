using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bpdp.Bench.Scale;

/// <summary>One group of processes under one load: peak resident memory, CPU time, and the most cores it used in one half-second sample.</summary>
internal sealed record StageUse(string Stage, UseKind Kind, int Processes, double PeakMegabytes, double CpuSeconds, double PeakCores);

/// <summary>What a group of processes is: a stage, what the Rollout started, a server of scripts/services.sh, or the benchmark itself.</summary>
internal enum UseKind
{
    Stage,
    Workload,
    Server,
    Benchmark,
}

/// <summary>One step on the way to green ready: from the event before it to the event that ends it (e.g. ImageBuilt → ImageScanned is "ImageScanned").</summary>
internal sealed record Step(string Name, double Milliseconds);

/// <summary>Latencies in milliseconds: the median, the 95th percentile, how many.</summary>
internal sealed record Latency(double P50, double P95, int Count)
{
    public static Latency Of(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToList();
        return new Latency(Percentiles.Of(sorted, 50), Percentiles.Of(sorted, 95), sorted.Count);
    }
}

/// <summary>One load: every target deploying at once, on a pipeline started for it, after one target deployed alone on it.</summary>
internal sealed record LoadReport(
    int Targets,
    int Agencies,
    int Environments,
    int DeploymentsPerTarget,
    string? Replicated,
    double ColdToGreenReadyMs,
    IReadOnlyList<Step> ColdSteps,
    IReadOnlyList<Step> WarmSteps,
    Latency Alone,
    Latency UnderLoad,
    int Deployments,
    int Completed,
    int RolledBack,
    int Faulty,
    IReadOnlyList<string> Unexpected,
    double WallSeconds,
    long PipelineMessages,
    long BrokerDeliveries,
    IReadOnlyList<StageUse> Stages)
{
    public double FinishedPerMinute => (Completed + RolledBack) / (WallSeconds / 60);

    public double P50UnderLoadOverAlone => UnderLoad.P50 / Alone.P50;

    public double P95UnderLoadOverAlone => UnderLoad.P95 / Alone.P95;

    public double ColdOverWarm => ColdToGreenReadyMs / Alone.P50;

    public double PipelineMessagesPerSecond => PipelineMessages / WallSeconds;

    public double BrokerDeliveriesPerSecond => BrokerDeliveries / WallSeconds;

    public double StageCpuSeconds => Stages.Where(s => s.Kind == UseKind.Stage).Sum(s => s.CpuSeconds);

    public double StagePeakMegabytes => Stages.Where(s => s.Kind == UseKind.Stage).Sum(s => s.PeakMegabytes);

    /// <summary>Every process measured, over the cores the load had: how busy the machine was.</summary>
    public double MachineBusy => Stages.Sum(s => s.CpuSeconds) / (WallSeconds * Environment.ProcessorCount);

    public double StageCpuSecondsPerDeployment => StageCpuSeconds / Deployments;
}

/// <summary>Everything one run measured.</summary>
internal sealed record ScaleReport(IReadOnlyList<LoadReport> Loads, LoadReport? WithReplica, double BusMessagesPerSecond, double RawMassTransitMessagesPerSecond,
    double RawQuorumQueueMessagesPerSecond, int BusMessages, int Cores)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public double BusOverRaw => BusMessagesPerSecond / RawMassTransitMessagesPerSecond;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public void Print(TextWriter output)
    {
        var rows = WithReplica is null ? Loads : [.. Loads, WithReplica];
        output.WriteLine("targets | replicated | deployments (completed / rolled back / unexpected) | finished per min | cold → green ready | " +
            "alone p50 / p95 | under load p50 / p95 | ÷ alone p50 / p95 | pipeline msgs/s | broker deliveries/s");
        foreach (var load in rows)
        {
            var outcomes = Invariant($"{load.Deployments} ({load.Completed} / {load.RolledBack} / {load.Unexpected.Count})");
            var latencies = Invariant($"{load.Alone.P50:F0} / {load.Alone.P95:F0} ms | {load.UnderLoad.P50:F0} / {load.UnderLoad.P95:F0} ms");
            output.WriteLine(Invariant($"{load.Targets} ({load.Agencies}×{load.Environments}) | {load.Replicated ?? "—"} | {outcomes} | {load.FinishedPerMinute:F1} | ") +
                Invariant($"{load.ColdToGreenReadyMs:F0} ms ({load.ColdOverWarm:F2}× warm) | {latencies} | ") +
                Invariant($"{load.P50UnderLoadOverAlone:F2} / {load.P95UnderLoadOverAlone:F2} | {load.PipelineMessagesPerSecond:F1} | {load.BrokerDeliveriesPerSecond:F1}"));
        }

        output.WriteLine();
        foreach (var load in rows)
        {
            var replicated = load.Replicated is { } r ? $", two {r}s" : "";
            output.WriteLine(Invariant($"{load.Targets} targets{replicated}, in {load.WallSeconds:F0} s; stage CPU per deployment {load.StageCpuSecondsPerDeployment:F2} s; ") +
                Invariant($"every process below used {load.MachineBusy:P0} of the cores:"));
            output.WriteLine($"  alone, steps to green ready (ms), cold: {Steps(load.ColdSteps)}; warm p50: {Steps(load.WarmSteps)}");
            foreach (var stage in load.Stages)
            {
                output.WriteLine(Invariant($"  {stage.Stage,-32} {stage.Processes,3} proc  peak {stage.PeakMegabytes,7:F0} MiB  ") +
                    Invariant($"CPU {stage.CpuSeconds,7:F1} s  peak {stage.PeakCores:F2} cores"));
            }

            foreach (var unexpected in load.Unexpected)
            {
                output.WriteLine($"  unexpected: {unexpected}");
            }
        }

        output.WriteLine();
        output.WriteLine(Invariant($"bus, {BusMessages} messages sent → consumed: BPDP's bus {BusMessagesPerSecond:F0}/s ÷ ") +
            Invariant($"raw MassTransit {RawMassTransitMessagesPerSecond:F0}/s = {BusOverRaw:F2} (goal ≥ 0.5); raw on a quorum queue {RawQuorumQueueMessagesPerSecond:F0}/s"));
        if (Loads.Count > 0)
        {
            var busiest = Loads.Max(l => l.BrokerDeliveriesPerSecond);
            output.WriteLine(Invariant($"the busiest load asked the broker for {busiest:F0} deliveries/s = ") +
                Invariant($"{busiest / RawMassTransitMessagesPerSecond:P1} of what raw MassTransit moved on it"));
        }

        if (Loads.Count > 1)
        {
            var first = Loads[0];
            foreach (var load in Loads.Skip(1))
            {
                var scale = (double)load.Deployments / first.Deployments;
                var cpu = load.StageCpuSeconds / first.StageCpuSeconds;
                var memory = load.StagePeakMegabytes / first.StagePeakMegabytes;
                output.WriteLine(Invariant($"growth {first.Targets} → {load.Targets} targets (×{scale:F1} deployments): wall time ×{load.WallSeconds / first.WallSeconds:F2}, ") +
                    Invariant($"stage CPU ×{cpu:F2}, stage peak memory ×{memory:F2} (linear: ×{scale:F1} or less)"));
            }
        }

        output.WriteLine(Invariant($"on {Cores} cores; every figure above is from this one run"));
    }

    private static string Steps(IEnumerable<Step> steps) => string.Join(", ", steps.Select(s => Invariant($"→ {s.Name} {s.Milliseconds:F0}")));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
