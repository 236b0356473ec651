using Bpdp.Ledger.Chain;

namespace Bpdp.Ledger.Storage;

/// <summary>A ledger backend: PostgreSQL in production, SQLite in the embedded mode. Both keep one chain and refuse changes.</summary>
public interface ILedgerStore : ILedgerReader
{
    /// <summary>Appends the entries whose message ids are new, and a conflict entry for a recorded id sent with a different payload, in order; returns how many entries were appended.</summary>
    Task<int> Append(IReadOnlyList<PendingEntry> entries, CancellationToken cancel = default);

    /// <summary>One deployment's entries in ledger order.</summary>
    Task<IReadOnlyList<LedgerEntry>> Timeline(Guid deploymentId, CancellationToken cancel = default);

    /// <summary>Every deployment in the ledger, most recently active first.</summary>
    Task<IReadOnlyList<DeploymentSummary>> Deployments(CancellationToken cancel = default);

    /// <summary>Stores a signed checkpoint; a second one at the same sequence is ignored.</summary>
    Task AddCheckpoint(Checkpoint checkpoint, CancellationToken cancel = default);
}

/// <summary>One deployment as the ledger saw it.</summary>
public sealed record DeploymentSummary(Guid DeploymentId, long Entries, long FirstSequence, long LastSequence, string LastMessageType, DateTimeOffset LastRecordedAt);
