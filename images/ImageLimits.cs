using System.ComponentModel.DataAnnotations;

namespace Bpdp.Images;

/// <summary>
/// How much of an image the pipeline reads from outside before it refuses (section <c>Images:Limits</c>): a
/// registry, a layout or a layer may be hostile, so every read is bounded and a refusal names the limit to raise.
/// A policy image is a few megabytes; the defaults leave two orders of magnitude of room.
/// </summary>
public sealed record ImageLimits
{
    public const string Section = "Images:Limits";

    public static ImageLimits Default { get; } = new();

    /// <summary>A manifest, an index or an <c>index.json</c> (the distribution spec asks registries to accept 4 MiB).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxManifestBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>One blob as stored (compressed), held in memory while it is read and checked.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxBlobBytes { get; init; } = 512 * 1024 * 1024;

    /// <summary>Layers in one image (overlay filesystems stop at 128).</summary>
    [Range(1, 1024)]
    public int MaxLayers { get; init; } = 128;

    /// <summary>One layer's tar once decompressed: a gzip bomb stops here.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxLayerBytes { get; init; } = 1L * 1024 * 1024 * 1024;

    /// <summary>Entries in one layer's tar.</summary>
    [Range(1, 10_000_000)]
    public int MaxLayerEntries { get; init; } = 100_000;

    /// <summary>An entry's path or link target, in characters (PATH_MAX is 4096).</summary>
    [Range(1, 65_536)]
    public int MaxPathLength { get; init; } = 4096;

    /// <summary>" (the key)" when a byte count is one of the configured read limits, for an error to say what to raise; else empty.</summary>
    public string NameOf(long maxBytes) =>
        maxBytes == MaxBlobBytes ? $" ({Key(nameof(MaxBlobBytes))})" : maxBytes == MaxManifestBytes ? $" ({Key(nameof(MaxManifestBytes))})" : "";

    /// <summary>What an error says to raise: the configuration key of a limit.</summary>
    public static string Key(string limit) => $"{Section}:{limit}";
}
