using System.Formats.Tar;
using System.IO.Compression;

namespace Bpdp.Builder.Oci;

/// <summary>
/// Builds a layer that is byte-for-byte the same wherever and whenever it is built: entries sorted by
/// path with their parent directories, modification times at the Unix epoch, owner and group 0, fixed
/// modes, ustar headers (no extended attributes), and gzip without a name or time (as .NET writes it,
/// with the zlib it ships, so the same .NET version gives the same bytes).
/// </summary>
public static class ReproducibleLayer
{
    public static (Blob Layer, string DiffId) Build(IEnumerable<LayerFile> files)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            var sorted = files.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
            var directories = sorted.SelectMany(f => Parents(f.Path)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            foreach (var directory in directories)
            {
                writer.WriteEntry(Entry(TarEntryType.Directory, directory + "/", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute));
            }

            foreach (var file in sorted)
            {
                var entry = Entry(TarEntryType.RegularFile, file.Path.TrimStart('/'), file.Mode);
                entry.DataStream = new MemoryStream(file.Content, writable: false);
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

    private static UstarTarEntry Entry(TarEntryType type, string name, UnixFileMode mode) => new(type, name)
    {
        ModificationTime = DateTimeOffset.UnixEpoch,
        Mode = mode,
        Uid = 0,
        Gid = 0,
        UserName = "",
        GroupName = "",
    };

    private static IEnumerable<string> Parents(string path)
    {
        var parts = path.Trim('/').Split('/');
        for (var i = 1; i < parts.Length; i++)
        {
            yield return string.Join('/', parts.Take(i));
        }
    }
}
