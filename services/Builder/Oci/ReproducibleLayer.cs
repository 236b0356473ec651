using System.Formats.Tar;
using System.IO.Compression;
using Bpdp.Images;

namespace Bpdp.Builder.Oci;

/// <summary>
/// Builds a layer that is byte-for-byte the same wherever and whenever it is built: entries sorted by
/// path with their parent directories, modification times at the Unix epoch, owner and group 0, fixed
/// modes, ustar headers (no extended attributes), and gzip without a name or time (as .NET writes it,
/// with the zlib it ships, so the same .NET version gives the same bytes).
/// </summary>
public static class ReproducibleLayer
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static (Blob Layer, string DiffId) Build(IEnumerable<LayerFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var entries = new SortedDictionary<string, LayerFile>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var path = file.Path.Trim('/');
            foreach (var parent in Parents(path))
            {
                entries.TryAdd(parent, LayerFile.Directory(parent, DirectoryMode));
            }

            entries[path] = file;
        }

        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (path, file) in entries)
            {
                var entry = new UstarTarEntry(file.Type, file.Type == TarEntryType.Directory ? path + "/" : path)
                {
                    ModificationTime = DateTimeOffset.UnixEpoch,
                    Mode = file.Mode,
                    Uid = 0,
                    Gid = 0,
                    UserName = "",
                    GroupName = "",
                };
                if (file.Type == TarEntryType.SymbolicLink)
                {
                    entry.LinkName = file.LinkTarget!;
                }
                else if (file.Type == TarEntryType.RegularFile)
                {
                    entry.DataStream = new MemoryStream(file.Content, writable: false);
                }

                writer.WriteEntry(entry);
            }
        }

        var uncompressed = tar.ToArray();
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(uncompressed);
        }

        return (new Blob(OciMediaTypes.Layer, gzipped.ToArray()), Blob.DigestOf(uncompressed));
    }

    private static IEnumerable<string> Parents(string path)
    {
        var parts = path.Split('/');
        for (var i = 1; i < parts.Length; i++)
        {
            yield return string.Join('/', parts.Take(i));
        }
    }
}
