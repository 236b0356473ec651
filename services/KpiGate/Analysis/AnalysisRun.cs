using Bpdp.Contracts;
using Bpdp.KpiGate.Sources;
using Bpdp.Policy.Model;

namespace Bpdp.KpiGate.Analysis;

/// <summary>
/// Takes a measurement of every metric each interval, judges after each round, and stops at the first
/// round that decides — a breach ends the analysis at once rather than after <c>count</c> rounds.
/// </summary>
public sealed class AnalysisRun(TimeProvider time)
{
    public async Task<(AnalysisVerdict Verdict, IReadOnlyList<KpiMeasurement> Measurements)> Execute(
        IKpiSession session, AnalysisSettings settings, IReadOnlyList<MetricSpec> metrics, int count, Action<KpiMeasurement>? progress, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(metrics);
        var measurements = new List<KpiMeasurement>();
        using var timer = new PeriodicTimer(settings.Interval, time);
        while (await timer.WaitForNextTickAsync(cancel))
        {
            var readings = await session.Read(cancel);
            var now = time.GetUtcNow();
            foreach (var metric in metrics)
            {
                var reading = readings.GetValueOrDefault(metric.Name) ?? MetricReading.Failed($"the source has no {metric.Name}");
                var outcome = AnalysisEvaluator.Judge(reading, metric.Threshold);
                var detail = outcome switch
                {
                    MeasurementOutcome.Error => reading.Error,
                    MeasurementOutcome.Inconclusive => "no data (no requests in the interval?)",
                    _ => null,
                };
                var measurement = new KpiMeasurement(now, metric.Name, reading.Value is { } v && !double.IsNaN(v) ? v : null, metric.Threshold, outcome, detail);
                measurements.Add(measurement);
                progress?.Invoke(measurement);
            }

            var verdict = AnalysisEvaluator.Evaluate(settings, metrics, measurements, count);
            if (verdict.IsFinished)
            {
                return (verdict, measurements);
            }
        }

        throw new OperationCanceledException(cancel);
    }
}
