using System.Text.Json.Nodes;
using Bpdp.Images;

namespace Bpdp.Publisher;

/// <summary>Copies a manifest and every blob it names between repositories of the store: mounted where the store can, uploaded otherwise; the manifest last, untagged.</summary>
public static class ImagePromoter
{
    public static async Task<Blob> Promote(IImageStore store, string from, string to, string digest, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(store);
        var manifest = await store.GetManifest(from, digest, cancel);
        var document = JsonNode.Parse(manifest.Content)!;
        var descriptors = (document["layers"]?.AsArray() ?? []).Append(document["config"]).OfType<JsonNode>();
        foreach (var descriptor in descriptors)
        {
            await store.CopyBlob(from, to, descriptor["mediaType"]!.GetValue<string>(), descriptor["digest"]!.GetValue<string>(), cancel);
        }

        await store.PutManifest(to, manifest, cancel: cancel);
        return manifest;
    }
}
