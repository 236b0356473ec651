namespace Bpdp.Ledger.Chain;

/// <summary>Extends a chain: numbers and hashes new entries after the current tail. Every store appends through this.</summary>
public static class LedgerChain
{
    public static IReadOnlyList<LedgerEntry> Extend(long tailSequence, string tailHash, IEnumerable<PendingEntry> fresh, DateTimeOffset recordedAt)
    {
        recordedAt = LedgerHash.Truncate(recordedAt);
        var entries = new List<LedgerEntry>();
        var (sequence, previousHash) = (tailSequence, tailHash);
        foreach (var pending in fresh)
        {
            var entry = new LedgerEntry(++sequence, pending.MessageId, pending.DeploymentId, pending.MessageType,
                LedgerHash.Truncate(pending.OccurredAt), recordedAt, pending.Payload, previousHash, Hash: "");
            entry = entry with { Hash = LedgerHash.Of(entry) };
            entries.Add(entry);
            previousHash = entry.Hash;
        }

        return entries;
    }
}
