using System.Text.Json.Serialization;
using Bpdp.Ledger.Chain;

namespace Bpdp.Ledger.Api;

/// <summary>An entry as the API and the JSON Lines export show it: every hashed field exactly as hashed.</summary>
public sealed record EntryView(
    [property: JsonPropertyName("seq")] long Sequence,
    Guid MessageId,
    Guid DeploymentId,
    string MessageType,
    string OccurredAt,
    string RecordedAt,
    string Payload,
    [property: JsonPropertyName("prevHash")] string PreviousHash,
    string Hash)
{
    public static EntryView Of(LedgerEntry entry) => new(
        entry.Sequence, entry.MessageId, entry.DeploymentId, entry.MessageType,
        LedgerHash.Time(entry.OccurredAt), LedgerHash.Time(entry.RecordedAt), entry.Payload, entry.PreviousHash, entry.Hash);
}
