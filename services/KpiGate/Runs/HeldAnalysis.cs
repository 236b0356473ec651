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
        using var smokeStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var traffic = new SmokeTraffic(http, time);
        var smoking = request.Smoke && options.Value.SmokeTraffic ? traffic.Run(endpoint, module, plan.Deploy.SmokeTrafficPerSecond, smokeStop.Token) : Task.CompletedTask;
        try
        {
            var target = new AnalysisTarget(request.Target.PolicyName, request.Target.PolicyVersion, request.Color.ToString().ToLowerInvariant(), endpoint, interval);
            var session = await source.Open(target, stop);
            var renewed = time.GetUtcNow();
            while (true)
            {
                var due = Max(run.StartedAt + (interval * (round + 1)), measurements.Count > 0 ? measurements[^1].MeasuredAt + (interval / 2) : time.GetUtcNow());
                while (time.GetUtcNow() < due)
                {
                    await Task.Delay(Min(due - time.GetUtcNow(), lease / 3), time, stop);
                    if (time.GetUtcNow() - renewed >= lease / 3)
                    {
                        if (await store.Renew(request.DeploymentId, request.Phase, owner, time.GetUtcNow(), lease, stop) is { Held: false } lost)
                        {
                            return Lost(request, lost);
                        }

                        renewed = time.GetUtcNow();
                    }
                }

                var taken = Measure(plan, await session.Read(stop));
                if (await store.Append(request.DeploymentId, request.Phase, owner, round, taken, stop) is { Held: false } gone)
                {
                    return Lost(request, gone);
                }

                renewed = time.GetUtcNow();
                round++;
                measurements.AddRange(taken);
                foreach (var m in taken)
                {
                    logger.LogInformation("Deployment {DeploymentId}: {Metric} = {Value} ({Outcome}, threshold {Threshold}), round {Round} of {Count}",
                        request.DeploymentId, m.Metric, m.Value, m.Outcome, m.Threshold, round, plan.Count);
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
        finally
        {
            await smokeStop.CancelAsync();
            await smoking;
        }
    }

    private List<KpiMeasurement> Measure(AnalysisPlan plan, IReadOnlyDictionary<string, MetricReading> readings)
    {
        var now = time.GetUtcNow();
        return [.. plan.Metrics.Select(metric =>
        {
            var reading = readings.GetValueOrDefault(metric.Name) ?? MetricReading.Failed($"the source has no {metric.Name}");
            var outcome = AnalysisEvaluator.Judge(reading, metric.Threshold);
            var detail = outcome switch
            {
                MeasurementOutcome.Error => reading.Error,
                MeasurementOutcome.Inconclusive => "no data (no requests in the interval?)",
                _ => null,
            };
            return new KpiMeasurement(now, metric.Name, reading.Value is { } v && !double.IsNaN(v) ? v : null, metric.Threshold, outcome, detail);
        })];
    }

    private IPipelineMessage? Lost(AnalysisRequest request, LeaseState state)
    {
        logger.LogInformation("Deployment {DeploymentId}: {Phase} analysis stopped here: {Why}", request.DeploymentId, request.Phase, state.StoppedBecause);
        return null;
    }

    private IPipelineMessage Verdict(AnalysisRequest request, AnalysisVerdict verdict, IReadOnlyList<KpiMeasurement> measurements) =>
        verdict.Result == AnalysisResult.Successful
            ? new KpiPassed(request.DeploymentId, time.GetUtcNow(), request.Target, request.Phase, measurements)
            : Failed(request, verdict.Reason, measurements);

    private KpiFailed Failed(AnalysisRequest request, string reason, IReadOnlyList<KpiMeasurement> measurements) =>
        new(request.DeploymentId, time.GetUtcNow(), request.Target, request.Phase, reason, measurements);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
