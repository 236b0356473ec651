using System.Formats.Tar;

namespace Bpdp.Builder.Oci;

/// <summary>An entry to put in a layer: its absolute path in the image, its permission bits, and its content (files) or target (symbolic links).</summary>
public sealed record LayerFile(string Path, byte[] Content, UnixFileMode Mode, TarEntryType Type = TarEntryType.RegularFile, string? LinkTarget = null)
{
    public static LayerFile Directory(string path, UnixFileMode mode) => new(path, [], mode, TarEntryType.Directory);

    public static LayerFile Symlink(string path, string target) => new(path, [], (UnixFileMode)0b111_111_111, TarEntryType.SymbolicLink, target);
}
