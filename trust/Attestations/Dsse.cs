using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Bpdp.Trust.Attestations;

/// <summary>
/// The Dead Simple Signing Envelope (DSSE v1), as in-toto and cosign use it: the signature covers the
/// pre-authentication encoding <c>"DSSEv1" SP len(type) SP type SP len(payload) SP payload</c> (lengths in ASCII
/// decimal bytes), so neither the payload nor its type can change without the signature failing. The envelope is
/// <c>{"payloadType": …, "payload": base64, "signatures": [{"keyid": "", "sig": base64 DER}]}</c>, ECDSA P-256 over SHA-256.
/// </summary>
public static class Dsse
{
    /// <summary>The media type of an envelope stored as a layer (cosign's attestation layout).</summary>
    public const string EnvelopeMediaType = "application/vnd.dsse.envelope.v1+json";

    /// <summary>The payload type of an in-toto statement.</summary>
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    /// <summary>The bytes a DSSE signature covers.</summary>
    public static byte[] Pae(string payloadType, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payloadType);
        ArgumentNullException.ThrowIfNull(payload);
        var type = Encoding.UTF8.GetBytes(payloadType);
        var head = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"DSSEv1 {type.Length} {payloadType} {payload.Length} "));
        return [.. head, .. payload];
    }

    /// <summary>An envelope of <paramref name="payload"/> signed with <paramref name="key"/>; cosign writes an empty key id for a key pair, and so does this.</summary>
    public static byte[] Sign(string payloadType, byte[] payload, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var signature = key.SignData(Pae(payloadType, payload), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return Encoding.UTF8.GetBytes(new JsonObject
        {
            ["payloadType"] = payloadType,
            ["payload"] = Convert.ToBase64String(payload),
            ["signatures"] = new JsonArray(new JsonObject { ["keyid"] = "", ["sig"] = Convert.ToBase64String(signature) }),
        }.ToJsonString());
    }

    /// <summary>The envelope in <paramref name="content"/>; null, with <paramref name="problem"/>, when it is not one.</summary>
    public static DsseEnvelope? Parse(byte[] content, out string? problem)
    {
        var envelope = Json.Parse(content);
        if (Json.Text(Json.Member(envelope, "payloadType")) is not { } payloadType || Json.Text(Json.Member(envelope, "payload")) is not { } encoded
            || Json.Member(envelope, "signatures") is not JsonArray { Count: > 0 } signatures)
        {
            problem = "it is not a DSSE envelope (payloadType, payload, signatures)";
            return null;
        }

        if (Base64(encoded) is not { } payload)
        {
            problem = "its payload is not base64";
            return null;
        }

        var decoded = new List<byte[]>();
        foreach (var signature in signatures)
        {
            if (Base64(Json.Text(Json.Member(signature, "sig"))) is { } bytes)
            {
                decoded.Add(bytes);
            }
        }

        problem = null;
        return new DsseEnvelope(payloadType, payload, decoded);
    }

    private static byte[]? Base64(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out var length) ? bytes[..length] : null;
    }
}

/// <summary>A parsed DSSE envelope: the payload's type, its exact bytes, and every signature that was base64.</summary>
public sealed record DsseEnvelope(string PayloadType, byte[] Payload, IReadOnlyList<byte[]> Signatures)
{
    /// <summary>The bytes each signature must cover.</summary>
    public byte[] SignedBytes => Dsse.Pae(PayloadType, Payload);
}
