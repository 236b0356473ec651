namespace Bpdp.KpiGate.Analysis;

/// <summary>What a source returned for one metric: a value (null or NaN when there was no data), or the error that kept it from answering.</summary>
public sealed record MetricReading(double? Value, string? Error = null)
{
    public static MetricReading Failed(string error) => new(null, error);
}
