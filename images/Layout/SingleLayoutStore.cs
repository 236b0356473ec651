
namespace Bpdp.Images.Layout;

/// <summary>One OCI layout directory seen as a store with a single repository, whatever its name.</summary>
internal sealed class SingleLayoutStore(OciLayout layout) : IImageStore
{
    public ImageLimits Limits => layout.Limits;

    public string Qualify(string repository) => layout.Root;

    public string Unqualify(string name) => name;

    public Task<bool> HasBlob(string repository, string digest, CancellationToken cancel = default) => Task.FromResult(layout.HasBlob(digest));

    public Task PutBlob(string repository, Blob blob, CancellationToken cancel = default) => layout.PutBlob(blob, cancel);

    public Task<bool> MountBlob(string repository, string digest, string from, CancellationToken cancel = default) => Task.FromResult(layout.HasBlob(digest));

    public Task PutManifest(string repository, Blob manifest, string? tag = null, CancellationToken cancel = default) => layout.PutManifest(manifest, tag, cancel);

    public Task<Blob> GetManifest(string repository, string reference, CancellationToken cancel = default) => layout.GetManifest(reference, cancel);

    public Task<Blob> GetManifest(string repository, string reference, int maxBytes, CancellationToken cancel = default) => layout.GetManifest(reference, maxBytes, cancel);

    public Task<byte[]> GetBlob(string repository, string digest, CancellationToken cancel = default) => layout.GetBlob(digest, cancel);

    public Task<byte[]> GetBlob(string repository, string digest, int maxBytes, CancellationToken cancel = default) => layout.GetBlob(digest, maxBytes, cancel);
}
