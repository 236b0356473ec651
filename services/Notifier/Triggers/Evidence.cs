using System.Globalization;
using Bpdp.Contracts;

namespace Bpdp.Notifier.Triggers;

/// <summary>A gate's measurements in words: each metric against its threshold or condition, the failing ones first.</summary>
public static class Evidence
{
    public static IReadOnlyList<string> Lines(IReadOnlyList<KpiMeasurement> measurements)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        return KpiSummary.Of(AnalysisPhase.PrePromotion, measurements)
            .OrderByDescending(metric => metric.Failed > 0)
            .Select(Line)
            .ToList();
    }

    private static string Line(KpiSummary metric)
    {
        var judged = metric.Threshold is { } threshold
            ? $"threshold {Number(threshold)}"
            : metric.Condition is { } condition ? $"condition {condition}" : "no threshold";
        var values = metric.Worst is { } worst
            ? $"worst {Number(worst)}, last {Number(metric.Last!.Value)}"
            : "no value measured";
        return $"{metric.Metric}{(metric.DryRun ? " (dry run)" : "")}: {metric.Failed} of {metric.Measured} measurements failed; {values}; {judged}";
    }

    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
