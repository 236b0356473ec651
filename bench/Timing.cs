using System.Diagnostics;

namespace Bpdp.Bench;

/// <summary>Wall-clock milliseconds of one piece of work.</summary>
internal static class Timing
{
    public static double Of(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var started = Stopwatch.GetTimestamp();
        work();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    public static async Task<double> Of(Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var started = Stopwatch.GetTimestamp();
        await work();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
