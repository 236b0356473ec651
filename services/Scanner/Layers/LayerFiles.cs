using System.Security.Cryptography;
using Bpdp.Images;
using Bpdp.Images.Layers;

namespace Bpdp.Scanner.Layers;

/// <summary>
/// Every regular file of a layer as it is read — including files a later layer deletes, which are still in the
/// image's blobs for anyone who pulls it. Paths have no leading '/'. Nothing is held beyond the file being read: a
/// file over the size limit is hashed as it streams past and handed to <c>tooLarge</c>, never read whole.
/// </summary>
public static class LayerFiles
{
    /// <summary>Every regular file of one layer up to <paramref name="maxFileBytes"/>; each larger one goes, hashed, to <paramref name="tooLarge"/>.</summary>
    public static IEnumerable<ImageFile> In(Blob layer, long maxFileBytes, Action<HashedFile> tooLarge, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(tooLarge);
        foreach (var entry in LayerReader.Entries(layer, limits))
        {
            if (entry.Kind != LayerEntryKind.File || entry.Tar.DataStream is null)
            {
                continue;
            }

            var large = entry.Tar.Length > maxFileBytes;
            var bytes = large ? [] : new byte[entry.Tar.Length];
            try
            {
                if (large)
                {
                    tooLarge(new HashedFile(layer.Digest, entry.Path, entry.Tar.Length, Convert.ToHexStringLower(SHA256.HashData(entry.Tar.DataStream))));
                }
                else
                {
                    entry.Tar.DataStream.ReadExactly(bytes);
                }
            }
            catch (EndOfStreamException error)
            {
                throw LayerReader.CutShort(layer, entry, error);
            }

            if (!large)
            {
                yield return new ImageFile(layer.Digest, entry.Path, bytes);
            }
        }
    }
}
