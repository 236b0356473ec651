namespace Bpdp.WebConsole.Board;

/// <summary>One metric of one gate: its measurements against the threshold (or condition) they were judged by.</summary>
public sealed record MetricSeries(string Metric, double? Threshold, string? Condition, bool DryRun, int Failed, IReadOnlyList<Point> Points);
