namespace Bpdp.KpiGate.Analysis;

/// <summary>A KPI and its limit: a value at or below the threshold passes.</summary>
public sealed record MetricSpec(string Name, double Threshold)
{
    public const string ErrorRate = "error-rate";
    public const string P95WaitTime = "p95-wait-time-seconds";

    /// <summary>The two KPIs of a policy's <c>deploy.kpis</c>.</summary>
    public static IReadOnlyList<MetricSpec> From(Bpdp.Policy.Model.KpiThresholds kpis)
    {
        ArgumentNullException.ThrowIfNull(kpis);
        return [new(ErrorRate, kpis.ErrorRateMax), new(P95WaitTime, kpis.P95WaitTimeMax.TotalSeconds)];
    }
}
