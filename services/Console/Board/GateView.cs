namespace Bpdp.WebConsole.Board;

/// <summary>A KPI gate's verdict and its evidence.</summary>
/// <param name="Phase">PrePromotion or PostPromotion.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Inconclusive">Failed only for want of usable data.</param>
/// <param name="Verdict">The verdict in words: what passed, or which limit was reached.</param>
/// <param name="Metrics">Each metric's measurements.</param>
public sealed record GateView(string Phase, bool Passed, bool Inconclusive, string Verdict, IReadOnlyList<MetricSeries> Metrics);
