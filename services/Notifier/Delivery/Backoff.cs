namespace Bpdp.Notifier.Delivery;

/// <summary>The wait after a failed attempt: the first wait, doubled with each failure, at most the longest.</summary>
public static class Backoff
{
    public static TimeSpan After(int failedAttempts, TimeSpan first, TimeSpan longest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        var factor = Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(first.Ticks * factor, longest.Ticks));
    }
}
