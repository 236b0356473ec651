using System.Security.Cryptography;
using Bpdp.Ledger.Chain;
using Bpdp.Ledger.Checkpoints;
using Bpdp.Ledger.Storage;

namespace Bpdp.Ledger.Verification;

/// <summary>
/// Recomputes the whole chain and checks every checkpoint against it. Reports the first bad entry and
/// why: a hash that does not match its fields (an edit), a previous-hash link that does not match the
/// entry before (a reordering or removal), a gap in the sequence (a deleted row), or a checkpoint the
/// ledger no longer reaches or disagrees with (a truncated or rewritten tail).
/// </summary>
public static class LedgerVerifier
{
    private const int Page = 5000;

    /// <param name="ledger">The ledger to verify.</param>
    /// <param name="checkpointKey">The ledger's public key.</param>
    /// <param name="heldCheckpoints">Checkpoints the auditor kept from earlier, checked like the stored ones.</param>
    /// <param name="cancel">Stops the verification.</param>
    public static async Task<VerificationResult> Verify(ILedgerReader ledger, ECDsa checkpointKey, IEnumerable<Checkpoint>? heldCheckpoints = null, CancellationToken cancel = default)
    {
        var (tail, _) = await ledger.Tail(cancel);
        var expectedSequence = 1L;
        var previousHash = LedgerHash.Genesis;
        var hashes = new Dictionary<long, string>();
        // A held copy of a stored checkpoint is one checkpoint, checked and counted once.
        var checkpoints = (await ledger.Checkpoints(cancel)).Concat(heldCheckpoints ?? []).Distinct().OrderBy(c => c.Sequence).ToList();
        var wanted = checkpoints.Select(c => c.Sequence).ToHashSet();

        for (var from = 1L; from <= tail; from += Page)
        {
            await foreach (var entry in ledger.Entries(from, from + Page - 1, cancel))
            {
                if (entry.Sequence != expectedSequence)
                {
                    return VerificationResult.Broken(expectedSequence - 1, expectedSequence, $"entry {expectedSequence} is missing: the next entry is {entry.Sequence} (a deleted row?)");
                }

                if (entry.PreviousHash != previousHash)
                {
                    return VerificationResult.Broken(expectedSequence - 1, entry.Sequence,
                        $"entry {entry.Sequence} does not link to entry {entry.Sequence - 1}: "
                        + $"its previous hash is {entry.PreviousHash[..12]}…, the chain's is {previousHash[..12]}… (rows reordered or removed?)");
                }

                var recomputed = LedgerHash.Of(entry);
                if (recomputed != entry.Hash)
                {
                    return VerificationResult.Broken(expectedSequence - 1, entry.Sequence,
                        $"entry {entry.Sequence} ({entry.MessageType}, message {entry.MessageId}) does not match its hash: its fields were changed after it was recorded");
                }

                if (wanted.Contains(entry.Sequence))
                {
                    hashes[entry.Sequence] = entry.Hash;
                }

                previousHash = entry.Hash;
                expectedSequence++;
            }
        }

        var entries = expectedSequence - 1;
        if (entries != tail)
        {
            return VerificationResult.Broken(entries, entries + 1, $"entry {entries + 1} is missing: the ledger's last entry is {tail} (a deleted row?)");
        }

        foreach (var checkpoint in checkpoints)
        {
            if (!CheckpointSigner.Verify(checkpoint, checkpointKey))
            {
                return VerificationResult.Broken(entries, checkpoint.Sequence, $"checkpoint {checkpoint.Sequence} (key {checkpoint.KeyId}) has a signature that does not verify with the ledger's key");
            }

            if (!hashes.TryGetValue(checkpoint.Sequence, out var hash))
            {
                return VerificationResult.Broken(entries, checkpoint.Sequence,
                    $"checkpoint {checkpoint.Sequence}, signed {LedgerHash.Time(checkpoint.SignedAt)}, is beyond the ledger's last entry {entries}: the tail was truncated");
            }

            if (hash != checkpoint.Hash)
            {
                return VerificationResult.Broken(entries, checkpoint.Sequence,
                    $"checkpoint {checkpoint.Sequence} says the chain's hash was {checkpoint.Hash[..12]}…, the ledger has {hash[..12]}…: history was rewritten");
            }
        }

        return new VerificationResult(true, entries, checkpoints.Count, null, null);
    }
}

/// <summary>The verdict: valid, or the first bad entry and why.</summary>
public sealed record VerificationResult(bool Valid, long VerifiedEntries, int Checkpoints, long? FirstBadSequence, string? Reason)
{
    public static VerificationResult Broken(long verified, long sequence, string reason) => new(false, verified, 0, sequence, reason);
}
