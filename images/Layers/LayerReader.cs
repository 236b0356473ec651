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
    /// rather than guessed at. Reading past <see cref="ImageLimits.MaxLayerBytes"/> fails.
    /// </summary>
    public static Stream Open(Blob layer, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var bounds = limits ?? ImageLimits.Default;
        var content = new MemoryStream(layer.Content, writable: false);
        var type = layer.MediaType;
        Stream tar;
        if (type.EndsWith("+gzip", StringComparison.Ordinal) || type.EndsWith(".gzip", StringComparison.Ordinal))
        {
            tar = new GZipStream(content, CompressionMode.Decompress);
        }
        else if (type.EndsWith(".tar", StringComparison.Ordinal))
        {
            tar = content;
        }
        else
        {
            content.Dispose();
            throw new InvalidDataException($"layer {layer.Digest} has media type '{type}', which is neither a gzip-compressed nor a plain tar layer");
        }

        return new BoundedReadStream(tar, bounds.MaxLayerBytes, $"layer {layer.Digest}", () =>
            $"layer {layer.Digest} is more than {bounds.MaxLayerBytes} bytes once decompressed ({ImageLimits.Key(nameof(ImageLimits.MaxLayerBytes))}): refused as a decompression bomb");
    }

    /// <summary>
    /// Every entry of the layer in tar order, within <paramref name="limits"/> (entries, path and link lengths, decompressed
    /// size); a broken tar is <see cref="InvalidDataException"/> naming the layer. An entry's data stream is valid only until
    /// the next entry is read.
    /// </summary>
    public static IEnumerable<LayerEntry> Entries(Blob layer, ImageLimits? limits = null)
    {
        var bounds = limits ?? ImageLimits.Default;
        using var content = Open(layer, bounds);
        using var reader = new TarReader(content);
        var count = 0;
        while (Next(reader, layer) is { } entry)
        {
            if (++count > bounds.MaxLayerEntries)
            {
                throw new InvalidDataException($"layer {layer.Digest} has more than {bounds.MaxLayerEntries} entries ({ImageLimits.Key(nameof(ImageLimits.MaxLayerEntries))}).");
            }

            if (entry.Name.Length > bounds.MaxPathLength || entry.LinkName.Length > bounds.MaxPathLength)
            {
                throw new InvalidDataException($"layer {layer.Digest} has an entry whose path or link target is longer than {bounds.MaxPathLength} characters " +
                    $"({ImageLimits.Key(nameof(ImageLimits.MaxPathLength))}): {entry.Name[..Math.Min(entry.Name.Length, 80)]}…");
            }

            yield return new LayerEntry(PathOf(entry.Name), KindOf(entry.EntryType), entry);
        }

        // The tar ends before its stream does: read the rest, so a gzip layer's checksum is checked and nothing hides after the end.
        content.CopyTo(Stream.Null);
    }

    /// <summary>What a reader of an entry's data throws when the layer ends inside it.</summary>
    public static InvalidDataException CutShort(Blob layer, LayerEntry entry, Exception error)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return new InvalidDataException($"layer {layer.Digest} ends inside its entry {entry.Tar.Name}: the archive is cut short", error);
    }

    /// <summary>The next entry; the tar reader's own complaints (bad checksum, truncated header, bad PAX record) say which layer.</summary>
    private static TarEntry? Next(TarReader reader, Blob layer)
    {
        try
        {
            return reader.GetNextEntry();
        }
        catch (Exception error) when (error is FormatException or EndOfStreamException or ArgumentException or OverflowException or InvalidOperationException
            || (error is InvalidDataException && !error.Message.StartsWith($"layer {layer.Digest}", StringComparison.Ordinal)))
        {
            throw new InvalidDataException($"layer {layer.Digest} is not a valid tar: {error.Message}", error);
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
