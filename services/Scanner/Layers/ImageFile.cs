namespace Bpdp.Scanner.Layers;

/// <summary>A regular file in one layer of an image: where it is and what it holds.</summary>
public sealed record ImageFile(string LayerDigest, string Path, byte[] Content);
