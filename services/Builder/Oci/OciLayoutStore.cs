using System.Text;
using System.Text.Json.Nodes;

namespace Bpdp.Builder.Oci;

/// <summary>
/// An OCI image layout directory (image-spec v1.1): <c>oci-layout</c>, <c>blobs/sha256/…</c> and an
/// <c>index.json</c> whose entries are named by <c>org.opencontainers.image.ref.name</c>. Blobs are
/// written once (by digest) and atomically (temp file, then rename); the index is rewritten atomically.
/// </summary>
public sealed class OciLayoutStore(string root)
{
    public const string RefName = "org.opencontainers.image.ref.name";

    public string Root { get; } = Path.GetFullPath(root);

    public async Task Put(PolicyImage image, string reference, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(Path.Combine(Root, "blobs", "sha256"));
        await WriteAtomically(Path.Combine(Root, "oci-layout"), Encoding.UTF8.GetBytes("""{"imageLayoutVersion":"1.0.0"}"""), cancel);
        foreach (var blob in image.Blobs)
        {
            var path = BlobPath(blob.Digest);
            if (!File.Exists(path))
            {
                await WriteAtomically(path, blob.Content, cancel);
            }
        }

        var index = File.Exists(IndexPath) ? JsonNode.Parse(await File.ReadAllTextAsync(IndexPath, cancel))!.AsObject() : new JsonObject();
        var manifests = (index["manifests"] as JsonArray)?.Where(m => (string?)m?["annotations"]?[RefName] != reference).Select(m => m!.DeepClone()).ToList() ?? [];
        var entry = PolicyImageBuilder.Descriptor(image.Manifest);
        entry["annotations"] = new JsonObject { [RefName] = reference };
        manifests.Add(entry);
        var updated = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray([.. manifests.OrderBy(m => (string?)m["annotations"]?[RefName], StringComparer.Ordinal)]),
        };
        await WriteAtomically(IndexPath, Encoding.UTF8.GetBytes(updated.ToJsonString()), cancel);
    }

    /// <summary>The manifest digest a reference names, or null.</summary>
    public async Task<string?> Resolve(string reference, CancellationToken cancel = default) =>
        File.Exists(IndexPath)
            ? (JsonNode.Parse(await File.ReadAllTextAsync(IndexPath, cancel))!["manifests"] as JsonArray)?
                .FirstOrDefault(m => (string?)m?["annotations"]?[RefName] == reference)?["digest"]?.GetValue<string>()
            : null;

    public string BlobPath(string digest) => Path.Combine(Root, "blobs", "sha256", digest["sha256:".Length..]);

    private string IndexPath => Path.Combine(Root, "index.json");

    private static async Task WriteAtomically(string path, byte[] content, CancellationToken cancel)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temporary, content, cancel);
        File.Move(temporary, path, overwrite: true);
    }
}
