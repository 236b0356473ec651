using Bpdp.Contracts;
using Bpdp.Policy.Model;

namespace Bpdp.KpiGate.Analysis;

/// <summary>
/// Judges measurements as Argo Rollouts' AnalysisRun does, with no I/O: a measurement without a usable value
/// is Inconclusive and an unanswered query an Error — never a pass. Per metric: more failures than the failure
/// limit fails it; more consecutive errors than the error limit errs it; more inconclusive measurements than
/// the inconclusive limit makes it inconclusive; after <c>count</c> measurements it succeeds, if at least one
/// of them did. Across metrics the worst outcome wins.
/// </summary>
public static class AnalysisEvaluator
{
    public static MeasurementOutcome Judge(MetricReading reading, double threshold)
    {
        ArgumentNullException.ThrowIfNull(reading);
        return reading.Error is not null ? MeasurementOutcome.Error
            : reading.Value is not { } value || double.IsNaN(value) ? MeasurementOutcome.Inconclusive
            : value <= threshold ? MeasurementOutcome.Successful
            : MeasurementOutcome.Failed;
    }

    public static AnalysisVerdict Evaluate(AnalysisSettings settings, IReadOnlyList<MetricSpec> metrics, IReadOnlyList<KpiMeasurement> measurements, int count)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(measurements);
        var verdicts = metrics.Select(metric => Evaluate(settings, metric, [.. measurements.Where(m => m.Metric == metric.Name)], count)).ToList();
        return verdicts.MaxBy(v => v.Result) ?? new AnalysisVerdict(AnalysisResult.Successful, "no metrics");
    }

    private static AnalysisVerdict Evaluate(AnalysisSettings settings, MetricSpec metric, List<KpiMeasurement> taken, int count)
    {
        var failed = taken.Count(m => m.Outcome == MeasurementOutcome.Failed);
        var inconclusive = taken.Count(m => m.Outcome == MeasurementOutcome.Inconclusive);
        var consecutiveErrors = taken.AsEnumerable().Reverse().TakeWhile(m => m.Outcome == MeasurementOutcome.Error).Count();
        var successful = taken.Count(m => m.Outcome == MeasurementOutcome.Successful);
        var name = metric.Name;
        if (failed > settings.FailureLimit)
        {
            var worst = taken.Where(m => m.Outcome == MeasurementOutcome.Failed).Max(m => m.Value);
            return new(AnalysisResult.Failed, $"{name} failed {failed} of {taken.Count} measurements (limit {settings.FailureLimit}; worst {worst:G4}, threshold {metric.Threshold:G4})");
        }

        if (consecutiveErrors > settings.ConsecutiveErrorLimit)
        {
            return new(AnalysisResult.Error, $"{name} could not be measured {consecutiveErrors} times in a row (limit {settings.ConsecutiveErrorLimit}): {taken[^1].Detail}");
        }

        if (inconclusive > settings.InconclusiveLimit)
        {
            return new(AnalysisResult.Inconclusive, $"{name} was inconclusive {inconclusive} times (limit {settings.InconclusiveLimit}): no usable data, e.g. no traffic");
        }

        if (taken.Count < count)
        {
            return new(AnalysisResult.Running, $"{name}: {taken.Count} of {count} measurements");
        }

        return successful > 0
            ? new(AnalysisResult.Successful, $"{name}: {successful} of {taken.Count} measurements within {metric.Threshold:G4}")
            : new(AnalysisResult.Inconclusive, $"{name} had no successful measurement in {taken.Count}");
    }
}
