using Bpdp.KpiGate.Analysis;

namespace Bpdp.KpiGate.Sources;

/// <summary>Where KPIs come from: Prometheus, or the executor's own /metrics in the embedded mode.</summary>
public interface IKpiSource
{
    /// <summary>Starts judging a target (a source that computes rates takes its baseline here).</summary>
    Task<IKpiSession> Open(AnalysisTarget target, CancellationToken cancel);
}

/// <summary>One analysis's readings: each call reads every metric once.</summary>
public interface IKpiSession
{
    Task<IReadOnlyDictionary<string, MetricReading>> Read(CancellationToken cancel);
}
