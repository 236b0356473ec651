using System.Formats.Tar;

namespace Bpdp.Images.Layers;

/// <summary>One entry of a layer: its path relative to the image's root (no leading <c>./</c> or <c>/</c>; empty for the root itself) and the tar entry that holds its data.</summary>
public readonly record struct LayerEntry(string Path, LayerEntryKind Kind, TarEntry Tar);
