namespace Bpdp.Policy.Model;

/// <summary><c>deploy</c>: how the module is rolled out and judged. Every field has a default.</summary>
public sealed record DeploySettings(
    int Replicas,
    KpiThresholds Kpis,
    AnalysisSettings Analysis,
    TimeSpan Soak,
    double SmokeTrafficPerSecond)
{
    public static DeploySettings Default { get; } = new(2, KpiThresholds.Default, AnalysisSettings.Default, TimeSpan.FromMinutes(5), 10);

    /// <summary><c>deploy.metrics</c>: the agency's own KPIs, judged beside the built-in error rate and p95.</summary>
    public IReadOnlyList<MetricDefinition> Metrics { get; init; } = [];

    /// <summary><c>deploy.postPromotionSmokeTrafficPerSecond</c>: smoke requests a second to the live service during the soak (default none: users call it).</summary>
    public double PostPromotionSmokeTrafficPerSecond { get; init; }

    /// <summary><c>deploy.promotion</c>: <c>manual</c> waits, after a passed pre-promotion gate, for an operator's <c>bpdp promote</c>.</summary>
    public bool ManualPromotion { get; init; }
}

/// <summary><c>deploy.kpis</c>: the limits a new version must stay within.</summary>
/// <param name="ErrorRateMax">Largest share of requests that may fail, 0 to 1 (default 1%).</param>
/// <param name="P95WaitTimeMax">Largest 95th-percentile request duration.</param>
public sealed record KpiThresholds(double ErrorRateMax, TimeSpan P95WaitTimeMax)
{
    public static KpiThresholds Default { get; } = new(0.01, TimeSpan.FromMilliseconds(500));
}

/// <summary><c>deploy.analysis</c>: how KPI measurements are taken and judged, as in Argo Rollouts.</summary>
public sealed record AnalysisSettings(TimeSpan Interval, int Count, int FailureLimit, int InconclusiveLimit, int ConsecutiveErrorLimit)
{
    public static AnalysisSettings Default { get; } = new(TimeSpan.FromSeconds(30), 5, 0, 1, 4);

    /// <summary><c>deploy.analysis.onInconclusive</c>: <c>pause</c> (the default) waits for a person; <c>rollback</c> rolls back at once.</summary>
    public bool PauseOnInconclusive { get; init; } = true;
}
