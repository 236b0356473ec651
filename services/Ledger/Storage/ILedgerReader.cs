using Bpdp.Ledger.Chain;

namespace Bpdp.Ledger.Storage;

/// <summary>What verification and export read from a ledger, whatever stores it.</summary>
public interface ILedgerReader
{
    /// <summary>The last entry's sequence and hash; (0, 64 zeros) when empty.</summary>
    Task<(long Sequence, string Hash)> Tail(CancellationToken cancel = default);

    /// <summary>Entries with sequence numbers in [from, to], in sequence order.</summary>
    IAsyncEnumerable<LedgerEntry> Entries(long fromSequence, long toSequence, CancellationToken cancel = default);

    /// <summary>Every signed checkpoint, in sequence order.</summary>
    Task<IReadOnlyList<Checkpoint>> Checkpoints(CancellationToken cancel = default);
}
