using System.Formats.Tar;
using System.IO.Compression;
using Bpdp.Platform.Images;

namespace Bpdp.Scanner.Layers;

/// <summary>
/// Every regular file of every layer, lowest layer first — including files a later layer deletes, which
/// are still in the image's blobs for anyone who pulls it. Paths have no leading '/'.
/// </summary>
public static class LayerFiles
{
    public static IEnumerable<ImageFile> Of(OciImage image, long maxFileBytes, Action<string, string, long>? tooLarge = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        return image.Layers.SelectMany(layer => In(layer, maxFileBytes, tooLarge));
    }

    /// <summary>Every regular file of one layer.</summary>
    public static IEnumerable<ImageFile> In(Blob layer, long maxFileBytes, Action<string, string, long>? tooLarge = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        using var compressed = new MemoryStream(layer.Content, writable: false);
        using Stream content = layer.MediaType.EndsWith("+gzip", StringComparison.Ordinal) || layer.MediaType.EndsWith(".gzip", StringComparison.Ordinal)
            ? new GZipStream(compressed, CompressionMode.Decompress)
            : compressed;
        using var reader = new TarReader(content);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile) || entry.DataStream is null)
            {
                continue;
            }

            var path = entry.Name.TrimStart('.').TrimStart('/');
            if (entry.Length > maxFileBytes)
            {
                tooLarge?.Invoke(layer.Digest, path, entry.Length);
                continue;
            }

            var bytes = new byte[entry.Length];
            entry.DataStream.ReadExactly(bytes);
            yield return new ImageFile(layer.Digest, path, bytes);
        }
    }
}
