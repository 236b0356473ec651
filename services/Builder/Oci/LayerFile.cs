namespace Bpdp.Builder.Oci;

/// <summary>A file to put in a layer: its absolute path in the image, its content and its permission bits.</summary>
public sealed record LayerFile(string Path, byte[] Content, UnixFileMode Mode);
