using System.Formats.Tar;
using System.IO.Compression;

namespace Bpdp.Images.Layers;

/// <summary>
/// The one way the pipeline reads a layer's tar, so the Scanner sees exactly the entries the Rollout
/// unpacks: decompressed as its media type says, paths relative to the image's root.
/// </summary>
public static class LayerReader
{
    /// <summary>
    /// The layer's tar stream. A media type ending in <c>+gzip</c> or <c>.gzip</c> (OCI, Docker) is
    /// decompressed; a plain <c>.tar</c> layer is read as it is; any other (zstd, foreign types) is refused
    /// rather than guessed at.
    /// </summary>
    public static Stream Open(Blob layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var content = new MemoryStream(layer.Content, writable: false);
        var type = layer.MediaType;
        if (type.EndsWith("+gzip", StringComparison.Ordinal) || type.EndsWith(".gzip", StringComparison.Ordinal))
        {
            return new GZipStream(content, CompressionMode.Decompress);
        }

        if (type.EndsWith(".tar", StringComparison.Ordinal))
        {
            return content;
        }

        content.Dispose();
        throw new InvalidDataException($"layer {layer.Digest} has media type '{type}', which is neither a gzip-compressed nor a plain tar layer");
    }

    /// <summary>Every entry of the layer in tar order. An entry's data stream is valid only until the next entry is read.</summary>
    public static IEnumerable<LayerEntry> Entries(Blob layer)
    {
        using var content = Open(layer);
        using var reader = new TarReader(content);
        while (reader.GetNextEntry() is { } entry)
        {
            yield return new LayerEntry(PathOf(entry.Name), KindOf(entry.EntryType), entry);
        }
    }

    /// <summary>An entry's name relative to the root: leading <c>./</c> and <c>/</c> removed, anything else kept (so <c>..</c> stays visible to whoever must refuse it).</summary>
    public static string PathOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var path = name;
        while (true)
        {
            if (path.StartsWith("./", StringComparison.Ordinal))
            {
                path = path[2..];
            }
            else if (path.StartsWith('/'))
            {
                path = path[1..];
            }
            else
            {
                return path == "." ? "" : path.TrimEnd('/');
            }
        }
    }

    private static LayerEntryKind KindOf(TarEntryType type) => type switch
    {
        TarEntryType.Directory => LayerEntryKind.Directory,
        TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => LayerEntryKind.File,
        TarEntryType.SymbolicLink => LayerEntryKind.SymbolicLink,
        TarEntryType.HardLink => LayerEntryKind.HardLink,
        _ => LayerEntryKind.Other,
    };
}
