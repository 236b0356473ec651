namespace Bpdp.KpiGate.Runs;

/// <summary>What a renewal found: the run is still this replica's, it was stopped (and why), or another replica holds it.</summary>
public sealed record LeaseState(bool Held, string? StoppedBecause)
{
    public static readonly LeaseState Kept = new(true, null);

    public static LeaseState Lost(string why) => new(false, why);
}
