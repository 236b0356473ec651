using Bpdp.Images;
using Bpdp.Images.Layers;

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
        foreach (var entry in LayerReader.Entries(layer))
        {
            if (entry.Kind != LayerEntryKind.File || entry.Tar.DataStream is null)
            {
                continue;
            }

            if (entry.Tar.Length > maxFileBytes)
            {
                tooLarge?.Invoke(layer.Digest, entry.Path, entry.Tar.Length);
                continue;
            }

            var bytes = new byte[entry.Tar.Length];
            entry.Tar.DataStream.ReadExactly(bytes);
            yield return new ImageFile(layer.Digest, entry.Path, bytes);
        }
    }
}
