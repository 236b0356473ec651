using System.Diagnostics;
using System.Globalization;

namespace Bpdp.Policy.Evaluation;

/// <summary>
/// Counts what one evaluation spends against its <see cref="EvaluationBudget"/>. The Cel package gives
/// its functions and macros no context, so the meter of the evaluation running on this thread is found
/// through <see cref="Current"/>; CEL evaluation is synchronous, so a thread holds one at a time.
/// </summary>
internal sealed class EvaluationMeter
{
    [ThreadStatic]
    private static EvaluationMeter? current;

    private readonly EvaluationBudget budget;
    private readonly long started = Stopwatch.GetTimestamp();
    private int steps;

    private EvaluationMeter(EvaluationBudget budget) => this.budget = budget;

    /// <summary>The meter of the evaluation running on this thread; none outside <see cref="Run"/>.</summary>
    public static EvaluationMeter? Current => current;

    /// <summary>The first limit this evaluation broke, if any: once broken, everything after fails fast.</summary>
    public LimitUnwind? Broken { get; private set; }

    /// <summary>Time left before the deadline (never negative).</summary>
    public TimeSpan Remaining => budget.Timeout - Stopwatch.GetElapsedTime(started) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    /// <summary>Runs <paramref name="evaluate"/> metered; throws the broken limit even when CEL absorbed it, so a broken evaluation never yields a result.</summary>
    /// <exception cref="LimitUnwind">The evaluation broke a limit.</exception>
    public static T Run<T>(EvaluationBudget budget, Func<T> evaluate)
    {
        var outer = current;
        var meter = new EvaluationMeter(budget);
        current = meter;
        try
        {
            var result = evaluate();
            return meter.Broken is { } broken ? throw broken : result;
        }
        catch (Exception error) when (error is not LimitUnwind && meter.Broken is { } broken)
        {
            // A failure after a broken limit is its consequence (CEL turned the unwinding into another error).
            throw broken;
        }
        finally
        {
            current = outer;
        }
    }

    /// <summary>One comprehension step: the budget allows <see cref="EvaluationBudget.MaxSteps"/> per evaluation, and none past the deadline.</summary>
    public void Step()
    {
        if (++steps > budget.MaxSteps)
        {
            throw Break(EvaluationLimit.Steps,
                $"the conditions took more than {budget.MaxSteps.ToString("N0", CultureInfo.InvariantCulture)} comprehension steps "
                + "(elements visited by .all, .exists, .exists_one, .map and .filter) for this case; iterate over fewer elements or nest fewer comprehensions");
        }

        CheckTime();
    }

    /// <summary>Fails once the evaluation has run for its whole <see cref="EvaluationBudget.Timeout"/>.</summary>
    public void CheckTime()
    {
        if (Broken is { } broken)
        {
            throw broken;
        }

        if (Stopwatch.GetElapsedTime(started) >= budget.Timeout)
        {
            throw TimedOut();
        }
    }

    /// <summary>Records the deadline as broken; the caller throws what it returns.</summary>
    public LimitUnwind TimedOut() =>
        Break(EvaluationLimit.Time,
            $"the conditions ran longer than {budget.Timeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms for this case; "
                + "simplify them (fewer comprehension steps, shorter text through matches())");

    /// <summary>Records <paramref name="limit"/> as broken (the first one sticks); the caller throws what it returns to unwind the evaluation.</summary>
    public LimitUnwind Break(EvaluationLimit limit, string detail) => Broken ??= new LimitUnwind(limit, detail);
}
