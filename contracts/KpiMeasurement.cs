namespace Bpdp.Contracts;

/// <summary>One KPI measurement with its verdict: the evidence behind a KPI gate's decision.</summary>
/// <param name="MeasuredAt">When the value was taken.</param>
/// <param name="Metric">The metric's name, e.g. <c>error-rate</c> or <c>p95-wait-time-seconds</c>.</param>
/// <param name="Value">The measured value, or null when the source returned nothing usable.</param>
/// <param name="Threshold">The limit the value was judged against (at most it passes); null for a metric judged by its <paramref name="Condition"/>.</param>
/// <param name="Outcome">The verdict on this measurement.</param>
/// <param name="Detail">Why, when the outcome is not self-explanatory (a query error, an empty result).</param>
/// <param name="Condition">An agency-defined metric's <c>successCondition</c> (CEL over <c>result</c> and <c>baseline</c>).</param>
/// <param name="Baseline">The same measurement of the live color, when the condition compares with it.</param>
/// <param name="DryRun">A dry-run metric's measurement: recorded and judged, never deciding the analysis.</param>
public sealed record KpiMeasurement(
    DateTimeOffset MeasuredAt,
    string Metric,
    double? Value,
    double? Threshold,
    MeasurementOutcome Outcome,
    string? Detail = null,
    string? Condition = null,
    double? Baseline = null,
    bool DryRun = false);
