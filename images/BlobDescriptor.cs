namespace Bpdp.Images;

/// <summary>A manifest's pointer at a blob: its media type, sha256 digest and declared size, all checked when read.</summary>
public sealed record BlobDescriptor(string MediaType, string Digest, long Size);
