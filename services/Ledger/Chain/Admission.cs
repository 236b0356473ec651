using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Platform.Bus;

namespace Bpdp.Ledger.Chain;

/// <summary>
/// Decides what a batch adds to the chain, given the payloads the ledger already holds under the same
/// message ids. A new id is appended. The same id with the same payload is a redelivery and adds
/// nothing. The same id with a different payload is never dropped silently: it becomes a
/// <see cref="ConflictType"/> entry of its own, holding both payloads' SHA-256 and the new payload, under
/// an id derived from the original id and the new payload — so a redelivery of the conflicting message
/// is again a no-op. Every store appends through this, inside its append transaction.
/// </summary>
public static class Admission
{
    /// <summary>The message type of an entry recording a second, different body under a recorded message id.</summary>
    public const string ConflictType = "MessageIdConflict";

    /// <summary>The ids a store must look up before <see cref="Admit"/>: each entry's own and its would-be conflict entry's.</summary>
    public static Guid[] IdsToLookUp(IEnumerable<PendingEntry> entries) =>
        [.. entries.SelectMany(e => new[] { e.MessageId, ConflictId(e) }).Distinct()];

    /// <param name="entries">The batch, in order.</param>
    /// <param name="recorded">The payload stored under each id of <see cref="IdsToLookUp"/> that the ledger already holds.</param>
    /// <returns>The entries to append, in order, and how many of them are conflicts.</returns>
    public static (IReadOnlyList<PendingEntry> Fresh, int Conflicts) Admit(IEnumerable<PendingEntry> entries, IReadOnlyDictionary<Guid, string> recorded)
    {
        var payloads = new Dictionary<Guid, string>(recorded);
        var fresh = new List<PendingEntry>();
        var conflicts = 0;
        foreach (var entry in entries)
        {
            if (payloads.TryAdd(entry.MessageId, entry.Payload))
            {
                fresh.Add(entry);
                continue;
            }

            var first = payloads[entry.MessageId];
            if (first == entry.Payload)
            {
                continue;
            }

            var conflict = Conflict(entry, first);
            if (payloads.TryAdd(conflict.MessageId, conflict.Payload))
            {
                fresh.Add(conflict);
                conflicts++;
            }
        }

        return (fresh, conflicts);
    }

    private static PendingEntry Conflict(PendingEntry entry, string recordedPayload) =>
        new(ConflictId(entry), entry.DeploymentId, ConflictType, entry.OccurredAt, CanonicalJson.From(new JsonObject
        {
            ["messageId"] = entry.MessageId.ToString("D"),
            ["messageType"] = entry.MessageType,
            ["payload"] = entry.Payload,
            ["payloadSha256"] = Sha256(entry.Payload),
            ["recordedPayloadSha256"] = Sha256(recordedPayload),
        }));

    private static Guid ConflictId(PendingEntry entry) =>
        DeterministicIds.From($"bpdp-ledger-conflict/v1\n{entry.MessageId:D}\n{Sha256(entry.Payload)}");

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
