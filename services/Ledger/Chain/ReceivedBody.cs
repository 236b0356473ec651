using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bpdp.Platform.Bus;

namespace Bpdp.Ledger.Chain;

/// <summary>
/// Turns a received body into the entry the ledger appends. A body that cannot be canonicalised
/// unambiguously is not dropped and does not fail its batch: it is recorded as a
/// <see cref="RefusedType"/> entry holding the exact bytes, their SHA-256 and the reason, so the chain
/// still shows that the message reached the pipeline — where other consumers may have acted on it.
/// </summary>
public static class ReceivedBody
{
    /// <summary>The message type of an entry recording a refused body.</summary>
    public const string RefusedType = "RefusedMessage";

    /// <param name="messageId">The message id (the envelope's, the AMQP one, or derived from the body).</param>
    /// <param name="deploymentId">The deployment, as the serializer read it.</param>
    /// <param name="messageType">The concrete message type.</param>
    /// <param name="occurredAt">When the sender says it happened.</param>
    /// <param name="body">The body exactly as received.</param>
    /// <param name="isEnvelope">Whether the body is a MassTransit envelope, whose <c>message</c> member is the payload.</param>
    public static PendingEntry ToEntry(Guid messageId, Guid deploymentId, string messageType, DateTimeOffset occurredAt, ReadOnlySpan<byte> body, bool isEnvelope)
    {
        string? refusal;
        try
        {
            refusal = DuplicateJsonKeys.Find(body) is { } path
                ? $"duplicate JSON key {path}: parsers disagree on which value counts"
                : null;
        }
        catch (JsonException error)
        {
            refusal = $"not valid JSON: {error.Message}";
        }

        if (refusal is not null)
        {
            return new PendingEntry(messageId, deploymentId, RefusedType, occurredAt, CanonicalJson.From(new JsonObject
            {
                ["body"] = Convert.ToBase64String(body),
                ["bodySha256"] = Convert.ToHexStringLower(SHA256.HashData(body)),
                ["messageType"] = messageType,
                ["reason"] = refusal,
            }));
        }

        var json = JsonNode.Parse(body);
        var payload = isEnvelope ? json?["message"] : json;
        return new PendingEntry(messageId, deploymentId, messageType, occurredAt, payload is null ? "null" : CanonicalJson.From(payload));
    }
}
