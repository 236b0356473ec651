using Bpdp.Policy.Evaluation;
using Bpdp.Policy.Model;

namespace Bpdp.KpiGate.Analysis;

/// <summary>
/// A KPI and how it is judged: a built-in one passes at or below its <see cref="Threshold"/>; an agency-defined one
/// (<see cref="Definition"/>) when its <see cref="Condition"/> holds. A dry-run metric is measured and recorded, never decisive.
/// </summary>
public sealed record MetricSpec(string Name, double? Threshold, MetricCondition? Condition = null, int? FailureLimit = null, bool DryRun = false,
    MetricDefinition? Definition = null)
{
    public const string ErrorRate = "error-rate";
    public const string P95WaitTime = "p95-wait-time-seconds";

    /// <summary>How a result is judged, in words: "≤ 0.01" or the condition.</summary>
    public string Judged => Condition is { } condition ? condition.Text : $"threshold {Threshold:G4}";

    /// <summary>The two KPIs of a policy's <c>deploy.kpis</c>.</summary>
    public static IReadOnlyList<MetricSpec> From(KpiThresholds kpis)
    {
        ArgumentNullException.ThrowIfNull(kpis);
        return [new(ErrorRate, kpis.ErrorRateMax), new(P95WaitTime, kpis.P95WaitTimeMax.TotalSeconds)];
    }

    /// <summary>An agency-defined metric of <c>deploy.metrics</c>, its condition compiled (the policy validated it already).</summary>
    public static MetricSpec From(MetricDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var condition = MetricCondition.Compile(definition.SuccessCondition, out var problem)
            ?? throw new InvalidDataException($"metric {definition.Name}: its successCondition {problem}");
        return new(definition.Name, null, condition, definition.FailureLimit, definition.DryRun, definition);
    }
}
