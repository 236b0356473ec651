namespace Bpdp.Scanner.Layers;

/// <summary>A regular file of one layer, as the SBOM names it: where it is, its size and its SHA-256.</summary>
public sealed record HashedFile(string LayerDigest, string Path, long Size, string Sha256);
