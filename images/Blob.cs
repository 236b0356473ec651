using System.Security.Cryptography;

namespace Bpdp.Images;

/// <summary>Content-addressed bytes: a layer, a config or a manifest, with its media type.</summary>
public sealed record Blob(string MediaType, byte[] Content)
{
    public string Digest { get; } = DigestOf(Content);

    public long Size => Content.LongLength;

    public static string DigestOf(ReadOnlySpan<byte> content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>The descriptor that points at this blob from a manifest or an index.</summary>
    public System.Text.Json.Nodes.JsonObject Descriptor() => new() { ["mediaType"] = MediaType, ["digest"] = Digest, ["size"] = Size };
}
