namespace Bpdp.Ledger.Chain;

/// <summary>One recorded message, as stored and as hashed.</summary>
public sealed record LedgerEntry(
    long Sequence,
    Guid MessageId,
    Guid DeploymentId,
    string MessageType,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    string Payload,
    string PreviousHash,
    string Hash);

/// <summary>A message to append: everything but its place in the chain.</summary>
public sealed record PendingEntry(Guid MessageId, Guid DeploymentId, string MessageType, DateTimeOffset OccurredAt, string Payload);
