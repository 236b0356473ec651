namespace Bpdp.Images;

/// <summary>Whole-image operations every store gets from its blob and manifest primitives.</summary>
public static class ImageStoreExtensions
{
    /// <summary>
    /// Pushes the blobs the repository lacks, then the manifest: a manifest is only ever stored after
    /// every blob it names, so a failed push leaves no manifest behind.
    /// </summary>
    public static async Task PushImage(this IImageStore store, string repository, OciImage image, string? tag = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(image);
        foreach (var blob in image.Layers.Append(image.Config))
        {
            if (!await store.HasBlob(repository, blob.Digest, cancel))
            {
                await store.PutBlob(repository, blob, cancel);
            }
        }

        await store.PutManifest(repository, image.Manifest, tag, cancel);
    }

    /// <summary>
    /// Reads an image by tag or digest, with its config and layers, each checked against its digest and declared size,
    /// and each read bounded by the store's <see cref="ImageLimits"/>.
    /// </summary>
    public static async Task<OciImage> PullImage(this IImageStore store, string repository, string reference, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var where = $"{store.Qualify(repository)}@{reference}";
        var manifest = await store.GetManifest(repository, reference, cancel);
        var parsed = ImageManifest.Parse(manifest, where, store.Limits);
        var config = await store.GetBlob(repository, parsed.Config, where, cancel);
        var layers = new List<Blob>();
        foreach (var layer in parsed.Layers)
        {
            layers.Add(await store.GetBlob(repository, layer, where, cancel));
        }

        return new OciImage(manifest, config, layers);
    }

    /// <summary>The blob a descriptor points at, refused when it is larger than the descriptor says or than the store's limit.</summary>
    public static async Task<Blob> GetBlob(this IImageStore store, string repository, BlobDescriptor descriptor, string where, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(descriptor);
        var content = await store.GetBlob(repository, descriptor.Digest, (int)Math.Min(descriptor.Size, store.Limits.MaxBlobBytes), cancel);
        return content.LongLength == descriptor.Size
            ? new Blob(descriptor.MediaType, content)
            : throw new InvalidDataException($"{where}: blob {descriptor.Digest} is {content.LongLength} bytes, not the {descriptor.Size} its descriptor says.");
    }

    /// <summary>The manifest a tag or digest names, or null when there is none.</summary>
    public static async Task<Blob?> FindManifest(this IImageStore store, string repository, string reference, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            return await store.GetManifest(repository, reference, cancel);
        }
        catch (ImageNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The manifest a tag or digest names, read only up to <paramref name="maxBytes"/>, or null when there is none.</summary>
    public static async Task<Blob?> FindManifest(this IImageStore store, string repository, string reference, int maxBytes, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            return await store.GetManifest(repository, reference, maxBytes, cancel);
        }
        catch (ImageNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Copies a blob between repositories: mounted when the store can, else read and written.</summary>
    public static async Task CopyBlob(this IImageStore store, string from, string to, string mediaType, string digest, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await store.HasBlob(to, digest, cancel) || await store.MountBlob(to, digest, from, cancel))
        {
            return;
        }

        await store.PutBlob(to, new Blob(mediaType, await store.GetBlob(from, digest, cancel)), cancel);
    }

    /// <summary>Fails unless the content has the digest it was asked for by.</summary>
    public static byte[] Verified(byte[] content, string digest, string where)
    {
        ArgumentNullException.ThrowIfNull(content);
        var actual = Blob.DigestOf(content);
        return actual == digest
            ? content
            : throw new InvalidDataException($"{where}: the content's digest is {actual}, not {digest}; the store is corrupt or was changed.");
    }
}
