using System.Text.Json.Serialization;
using Bpdp.Ledger.Chain;

namespace Bpdp.Ledger.Api;

/// <summary>A checkpoint as a held-checkpoints line shows it: every signed field as signed.</summary>
public sealed record CheckpointView(
    [property: JsonPropertyName("seq"), JsonRequired] long Sequence,
    [property: JsonRequired] string Hash,
    [property: JsonRequired] string SignedAt,
    [property: JsonRequired] string KeyId,
    [property: JsonRequired] string Signature)
{
    public static CheckpointView Of(Checkpoint checkpoint) =>
        new(checkpoint.Sequence, checkpoint.Hash, LedgerHash.Time(checkpoint.SignedAt), checkpoint.KeyId, checkpoint.Signature);
}
