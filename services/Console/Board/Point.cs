namespace Bpdp.WebConsole.Board;

/// <summary>One measurement of a metric, as the chart plots it.</summary>
/// <param name="At">When it was measured.</param>
/// <param name="Value">The value, or null when nothing usable was measured.</param>
/// <param name="Outcome">Its verdict: Successful, Failed, Inconclusive or Error.</param>
/// <param name="Detail">Why, when the outcome is not self-explanatory.</param>
public sealed record Point(DateTimeOffset At, double? Value, string Outcome, string? Detail);
