using System.Security.Cryptography;

namespace Bpdp.Builder.Oci;

/// <summary>Content-addressed bytes: a layer, a config or a manifest, with its media type.</summary>
public sealed record Blob(string MediaType, byte[] Content)
{
    public string Digest { get; } = DigestOf(Content);

    public long Size => Content.LongLength;

    public static string DigestOf(ReadOnlySpan<byte> content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}
