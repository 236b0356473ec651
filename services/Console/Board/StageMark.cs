namespace Bpdp.WebConsole.Board;

/// <summary>One event of a deployment on its time axis.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Event">The message type, e.g. <c>ImageScanned</c>.</param>
/// <param name="Stage">The stage that reported it.</param>
/// <param name="Detail">What it says, in a line.</param>
/// <param name="MessageId">The message's id, as the ledger records it.</param>
public sealed record StageMark(DateTimeOffset At, string Event, string Stage, string Detail, Guid MessageId);
