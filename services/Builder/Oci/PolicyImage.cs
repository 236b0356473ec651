using System.Text.Json.Nodes;

namespace Bpdp.Builder.Oci;

/// <summary>An image as built: its manifest, config and layers, all content-addressed.</summary>
public sealed record PolicyImage(Blob Manifest, Blob Config, IReadOnlyList<Blob> Layers)
{
    public string Digest => Manifest.Digest;

    public long Size => Manifest.Size + Config.Size + Layers.Sum(l => l.Size);

    public IEnumerable<Blob> Blobs => [.. Layers, Config, Manifest];

    /// <summary>The manifest's annotations, e.g. <c>org.opencontainers.image.version</c>.</summary>
    public JsonObject Annotations => JsonNode.Parse(Manifest.Content)!["annotations"]!.AsObject();
}
