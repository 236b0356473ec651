using Bpdp.Contracts;

namespace Bpdp.KpiGate.Runs;

/// <summary>A run this replica has claimed: the request, and every measurement taken so far by whichever replica held it before.</summary>
public sealed record HeldRun(AnalysisRequest Request, DateTimeOffset StartedAt, int Claims, IReadOnlyList<KpiMeasurement> Measurements);
