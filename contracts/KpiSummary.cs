namespace Bpdp.Contracts;

/// <summary>One metric of one KPI gate, summed up from its verdict's measurements.</summary>
/// <param name="Phase">Which gate.</param>
/// <param name="Metric">The metric's name.</param>
/// <param name="Measured">How many measurements were taken.</param>
/// <param name="Failed">How many failed (beyond the threshold, or the condition did not hold).</param>
/// <param name="Last">The last measured value, if any.</param>
/// <param name="Worst">The highest measured value, if any.</param>
/// <param name="Threshold">The threshold of a built-in KPI.</param>
/// <param name="Condition">The successCondition of an agency-defined metric.</param>
/// <param name="DryRun">A dry-run metric: recorded, never deciding.</param>
public sealed record KpiSummary(AnalysisPhase Phase, string Metric, int Measured, int Failed, double? Last, double? Worst, double? Threshold, string? Condition, bool DryRun)
{
    /// <summary>One summary per metric of <paramref name="measurements"/>, in the order the metrics first appear.</summary>
    public static IEnumerable<KpiSummary> Of(AnalysisPhase phase, IReadOnlyList<KpiMeasurement> measurements)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        return measurements.GroupBy(m => m.Metric, StringComparer.Ordinal).Select(metric => new KpiSummary(
            phase,
            metric.Key,
            metric.Count(),
            metric.Count(m => m.Outcome == MeasurementOutcome.Failed),
            metric.LastOrDefault(m => m.Value is not null)?.Value,
            metric.Max(m => m.Value),
            metric.First().Threshold,
            metric.First().Condition,
            metric.First().DryRun));
    }
}
