using Bpdp.Contracts;
using Bpdp.Policy.Evaluation;
using Bpdp.Policy.Model;

namespace Bpdp.KpiGate.Analysis;

/// <summary>
/// Judges measurements as Argo Rollouts' AnalysisRun does, with no I/O: a measurement without a usable value
/// is Inconclusive and an unanswered query an Error — never a pass. Per metric: more failures than its failure
/// limit fails it; more consecutive errors than the error limit errs it; more inconclusive measurements than
/// the inconclusive limit makes it inconclusive; after <c>count</c> measurements it succeeds, if at least one
/// of them did. Across metrics the worst outcome wins; dry-run metrics are judged but never counted.
/// </summary>
public static class AnalysisEvaluator
{
    /// <summary>Judges one reading; the detail says why when the outcome is not a plain pass or fail.</summary>
    public static (MeasurementOutcome Outcome, string? Detail) Judge(MetricReading reading, MetricSpec metric, double? baseline = null)
    {
        ArgumentNullException.ThrowIfNull(reading);
        ArgumentNullException.ThrowIfNull(metric);
        if (reading.Error is not null)
        {
            return (MeasurementOutcome.Error, reading.Error);
        }

        if (reading.Value is not { } value || double.IsNaN(value))
        {
            return (MeasurementOutcome.Inconclusive, "no data (no requests in the interval?)");
        }

        if (metric.Condition is not { } condition)
        {
            return (value <= metric.Threshold ? MeasurementOutcome.Successful : MeasurementOutcome.Failed, null);
        }

        if (metric.Definition?.UsesBaseline == true && (baseline is not { } b || double.IsNaN(b)))
        {
            return (MeasurementOutcome.Inconclusive, "no baseline: the live color's value could not be read");
        }

        try
        {
            return condition.Holds(value, baseline) switch
            {
                true => (MeasurementOutcome.Successful, null),
                false => (MeasurementOutcome.Failed, null),
                null => (MeasurementOutcome.Error, $"its condition '{condition.Text}' gave no true or false for result {value:G6}"),
            };
        }
        catch (Exception error) when (error is EvaluationLimitExceededException or Cel.CelException)
        {
            return (MeasurementOutcome.Error, $"its condition '{condition.Text}' could not be evaluated: {error.Message}");
        }
    }

    public static AnalysisVerdict Evaluate(AnalysisSettings settings, IReadOnlyList<MetricSpec> metrics, IReadOnlyList<KpiMeasurement> measurements, int count)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(measurements);
        var verdicts = metrics.Where(m => !m.DryRun).Select(metric => Evaluate(settings, metric, [.. measurements.Where(m => m.Metric == metric.Name)], count)).ToList();
        return verdicts.MaxBy(v => v.Result) ?? new AnalysisVerdict(AnalysisResult.Successful, "no metrics");
    }

    private static AnalysisVerdict Evaluate(AnalysisSettings settings, MetricSpec metric, List<KpiMeasurement> taken, int count)
    {
        var failed = taken.Count(m => m.Outcome == MeasurementOutcome.Failed);
        var inconclusive = taken.Count(m => m.Outcome == MeasurementOutcome.Inconclusive);
        var consecutiveErrors = taken.AsEnumerable().Reverse().TakeWhile(m => m.Outcome == MeasurementOutcome.Error).Count();
        var successful = taken.Count(m => m.Outcome == MeasurementOutcome.Successful);
        var failureLimit = metric.FailureLimit ?? settings.FailureLimit;
        var name = metric.Name;
        if (failed > failureLimit)
        {
            var worst = taken.Where(m => m.Outcome == MeasurementOutcome.Failed).Max(m => m.Value);
            return new(AnalysisResult.Failed, $"{name} failed {failed} of {taken.Count} measurements (limit {failureLimit}; worst {worst:G4}, {metric.Judged})");
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
            ? new(AnalysisResult.Successful, $"{name}: {successful} of {taken.Count} measurements within {metric.Judged}")
            : new(AnalysisResult.Inconclusive, $"{name} had no successful measurement in {taken.Count}");
    }
}
