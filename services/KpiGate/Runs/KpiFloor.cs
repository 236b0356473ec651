namespace Bpdp.KpiGate.Runs;

/// <summary>
/// <c>KpiGate:Floors:&lt;environment&gt;</c>: limits no policy can loosen there. A policy may ask for stricter thresholds;
/// a looser one is judged against the floor.
/// </summary>
public sealed class KpiFloor
{
    /// <summary>The highest error rate any policy may accept (0–1).</summary>
    public double? ErrorRateMax { get; set; }

    /// <summary>The highest 95th-percentile wait any policy may accept, in seconds.</summary>
    public double? P95WaitTimeMaxSeconds { get; set; }
}
