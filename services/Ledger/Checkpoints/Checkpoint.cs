namespace Bpdp.Ledger;

/// <summary>A signed tree head: "the chain had this hash at this sequence", signed with the ledger's key.</summary>
public sealed record Checkpoint(long Sequence, string Hash, DateTimeOffset SignedAt, string KeyId, string Signature);
