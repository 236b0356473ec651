namespace Bpdp.WebConsole.Board;

/// <summary>An abort or a promotion, with who asked for it.</summary>
public sealed record OperatorAction(DateTimeOffset At, string Kind, string RequestedBy, string? Reason, string? OperatorKeyId);
