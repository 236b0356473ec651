using Bpdp.Contracts;
using Bpdp.KpiGate.Analysis;
using Bpdp.KpiGate.Smoke;
using Bpdp.KpiGate.Sources;
using Bpdp.Policy;
using Microsoft.Extensions.Options;

namespace Bpdp.KpiGate.Runs;

/// <summary>
/// Measures a claimed run until it decides: judged against the approved policy (never what the executor under test
/// serves), paced on the run's own schedule, each round appended to the store before it is judged, the lease renewed
/// while waiting. A run resumed by another replica starts from the rounds already kept and catches up at twice the
/// pace. Returns null when the run was stopped, superseded or taken over: nobody waits for this replica's verdict.
/// </summary>
public sealed class HeldAnalysis(IKpiSource source, IAnalysisStore store, IHttpClientFactory clients, IOptions<KpiGateOptions> options, TimeProvider time, ILogger<HeldAnalysis> logger)
{
    public async Task<IPipelineMessage?> Run(HeldRun run, ApprovedPolicy approval, string owner, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(approval);
        var request = run.Request;
        if (PolicyValidator.Validate(approval.PolicyYaml).Policy?.Module is not { } module)
        {
            return Failed(request, "the approved policy does not validate, so it sets no thresholds to judge against", []);
        }

        var plan = AnalysisPlan.For(module, request, options.Value);
        var lease = TimeSpan.FromSeconds(options.Value.LeaseSeconds);
        var interval = plan.Deploy.Analysis.Interval;
        var measurements = new List<KpiMeasurement>(run.Measurements);
        var round = measurements.Select(m => m.MeasuredAt).Distinct().Count();
        logger.LogInformation("Deployment {DeploymentId}: {Phase} analysis of {Policy} {Version} ({Color}) at {Endpoint}: {Count} × {Interval} s, error rate ≤ {ErrorRate}, p95 ≤ {P95} s{Resumed}",
            request.DeploymentId, request.Phase, request.Target.PolicyName, request.Target.PolicyVersion, request.Color, request.Endpoint, plan.Count, interval.TotalSeconds,
            plan.Deploy.Kpis.ErrorRateMax, plan.Deploy.Kpis.P95WaitTimeMax.TotalSeconds, round > 0 ? $", resumed at round {round + 1} (claim {run.Claims})" : "");
        var verdict = AnalysisEvaluator.Evaluate(plan.Deploy.Analysis, plan.Metrics, measurements, plan.Count);
        if (verdict.IsFinished)
        {
            return Verdict(request, verdict, measurements);
        }

        var endpoint = Endpoints.Base(request.Endpoint);
        var http = clients.CreateClient(nameof(HeldAnalysis));
        // The lease is renewed beside the run, whatever it is doing (waiting for Prometheus's first data, a slow round): losing it stops the run.
        using var held = CancellationTokenSource.CreateLinkedTokenSource(stop);
        LeaseState? lostLease = null;
        var keeper = KeepLease(request, owner, lease, held, state => lostLease = state);
        var traffic = new SmokeTraffic(http, time);
        var smoking = plan.SmokePerSecond > 0 && options.Value.SmokeTraffic ? traffic.Run(endpoint, module, plan.SmokePerSecond, held.Token) : Task.CompletedTask;
        try
        {
            var target = new AnalysisTarget(request.Target.PolicyName, request.Target.PolicyVersion, request.Color.ToString().ToLowerInvariant(), endpoint, interval);
            var session = await source.Open(target, held.Token);
            var custom = new CustomMetricReader(clients.CreateClient(WebMetricsClient), options.Value.PrometheusUrl is { } prometheus ? Endpoints.Base(prometheus.ToString()) : null,
                options.Value.WebMetricHosts);
            while (true)
            {
                var due = Max(run.StartedAt + (interval * (round + 1)), measurements.Count > 0 ? measurements[^1].MeasuredAt + (interval / 2) : time.GetUtcNow());
                if (due > time.GetUtcNow())
                {
                    await Task.Delay(due - time.GetUtcNow(), time, held.Token);
                }

                var taken = await Measure(plan, request, custom, await session.Read(held.Token), held.Token);
                if (await store.Append(request.DeploymentId, request.Phase, owner, round, taken, held.Token) is { Held: false } gone)
                {
                    return Lost(request, gone);
                }

                round++;
                measurements.AddRange(taken);
                foreach (var m in taken)
                {
                    logger.LogInformation("Deployment {DeploymentId}: {Metric} = {Value} ({Outcome}, {Judged}{DryRun}), round {Round} of {Count}",
                        request.DeploymentId, m.Metric, m.Value, m.Outcome, m.Condition ?? $"threshold {m.Threshold}", m.DryRun ? ", dry run" : "", round, plan.Count);
                }

                verdict = AnalysisEvaluator.Evaluate(plan.Deploy.Analysis, plan.Metrics, measurements, plan.Count);
                if (verdict.IsFinished)
                {
                    logger.LogInformation("Deployment {DeploymentId}: {Phase} analysis {Result}: {Reason}; smoke traffic sent {Sent}, {Failed} failed",
                        request.DeploymentId, request.Phase, verdict.Result, verdict.Reason, traffic.Sent, traffic.Failed);
                    return Verdict(request, verdict, measurements);
                }
            }
        }
        catch (OperationCanceledException) when (lostLease is { } lost && !stop.IsCancellationRequested)
        {
            return Lost(request, lost);
        }
        finally
        {
            await held.CancelAsync();
            await keeper;
            await smoking;
        }
    }

    /// <summary>Renews the run's lease every third of it until the run ends; a renewal that finds the run stopped or taken cancels <paramref name="held"/>.</summary>
    private async Task KeepLease(AnalysisRequest request, string owner, TimeSpan lease, CancellationTokenSource held, Action<LeaseState> lost)
    {
        try
        {
            while (true)
            {
                await Task.Delay(lease / 3, time, held.Token);
                LeaseState state;
                try
                {
                    state = await store.Renew(request.DeploymentId, request.Phase, owner, time.GetUtcNow(), lease, held.Token);
                }
                catch (System.Data.Common.DbException error)
                {
                    // One failed renewal is a blip; the lease only lapses if the store stays out of reach.
                    logger.LogWarning("Deployment {DeploymentId}: the lease of its {Phase} analysis could not be renewed ({Error}); trying again", request.DeploymentId, request.Phase, error.Message);
                    continue;
                }

                if (!state.Held)
                {
                    lost(state);
                    await held.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended: nothing left to keep.
        }
    }

    /// <summary>The named HTTP client web metrics are read with: no redirects, so an allowed host cannot send the gate elsewhere.</summary>
    public const string WebMetricsClient = "web-metrics";

    /// <summary>One round: the built-in KPIs from the session's reading, each agency-defined metric (and its baseline, when compared) read now.</summary>
    private async Task<List<KpiMeasurement>> Measure(AnalysisPlan plan, AnalysisRequest request, CustomMetricReader custom, IReadOnlyDictionary<string, MetricReading> readings,
        CancellationToken cancel)
    {
        var now = time.GetUtcNow();
        var taken = new List<KpiMeasurement>(plan.Metrics.Count);
        foreach (var metric in plan.Metrics)
        {
            MetricReading reading;
            double? baseline = null;
            if (metric.Definition is { } definition)
            {
                reading = await custom.Read(definition, MetricPlaceholders.For(request.Target, request.Color), cancel);
                if (definition.UsesBaseline)
                {
                    var live = request.Color == Color.Green ? Color.Blue : Color.Green;
                    baseline = (await custom.Read(definition, MetricPlaceholders.For(request.Target, live), cancel)).Value;
                }
            }
            else
            {
                reading = readings.GetValueOrDefault(metric.Name) ?? MetricReading.Failed($"the source has no {metric.Name}");
            }

            var (outcome, detail) = AnalysisEvaluator.Judge(reading, metric, baseline);
            taken.Add(new KpiMeasurement(now, metric.Name, reading.Value is { } v && !double.IsNaN(v) ? v : null, metric.Threshold, outcome,
                outcome is MeasurementOutcome.Successful or MeasurementOutcome.Failed ? null : detail, metric.Condition?.Text, baseline, metric.DryRun));
        }

        return taken;
    }

    private IPipelineMessage? Lost(AnalysisRequest request, LeaseState state)
    {
        logger.LogInformation("Deployment {DeploymentId}: {Phase} analysis stopped here: {Why}", request.DeploymentId, request.Phase, state.StoppedBecause);
        return null;
    }

    private IPipelineMessage Verdict(AnalysisRequest request, AnalysisVerdict verdict, IReadOnlyList<KpiMeasurement> measurements) =>
        verdict.Result == AnalysisResult.Successful
            ? new KpiPassed(request.DeploymentId, time.GetUtcNow(), request.Target, request.Phase, measurements)
            : Failed(request, verdict.Reason, measurements) with { Inconclusive = verdict.Result == AnalysisResult.Inconclusive };

    private KpiFailed Failed(AnalysisRequest request, string reason, IReadOnlyList<KpiMeasurement> measurements) =>
        new(request.DeploymentId, time.GetUtcNow(), request.Target, request.Phase, reason, measurements);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

}
