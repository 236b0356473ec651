using Bpdp.Images;

namespace Bpdp.Publisher;

/// <summary>Copies a manifest and every blob it names between repositories of the store: mounted where the store can, uploaded otherwise; the manifest last, untagged.</summary>
public static class ImagePromoter
{
    public static async Task<Blob> Promote(IImageStore store, string from, string to, string digest, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(store);
        var manifest = await store.GetManifest(from, digest, cancel);
        foreach (var descriptor in ImageManifest.Parse(manifest, $"{store.Qualify(from)}@{digest}", store.Limits).Blobs)
        {
            await store.CopyBlob(from, to, descriptor.MediaType, descriptor.Digest, cancel);
        }

        await store.PutManifest(to, manifest, cancel: cancel);
        return manifest;
    }
}
