using System.Text.Json.Nodes;

namespace Bpdp.Images;

/// <summary>A single-platform image: its manifest, config and layers, all content-addressed.</summary>
public sealed record OciImage(Blob Manifest, Blob Config, IReadOnlyList<Blob> Layers)
{
    public string Digest => Manifest.Digest;

    public long Size => Manifest.Size + Config.Size + Layers.Sum(l => l.Size);

    /// <summary>Every blob, in the order a push needs them: layers, config, then the manifest that names them.</summary>
    public IEnumerable<Blob> Blobs => [.. Layers, Config, Manifest];

    /// <summary>The manifest's annotations, e.g. <c>org.opencontainers.image.version</c>.</summary>
    public JsonObject Annotations => JsonNode.Parse(Manifest.Content)!["annotations"]?.AsObject() ?? [];

    /// <summary>The uncompressed layer digests the config lists, base first.</summary>
    public IReadOnlyList<string> DiffIds =>
        [.. (JsonNode.Parse(Config.Content)!["rootfs"]?["diff_ids"]?.AsArray() ?? []).Select(d => d!.GetValue<string>())];
}
