
namespace Bpdp.Images.Layout;

/// <summary>The embedded image store: one OCI image layout directory per repository under a root folder.</summary>
public sealed class OciLayoutImageStore(string root, ImageLimits? limits = null) : IImageStore
{
    public ImageLimits Limits { get; } = limits ?? ImageLimits.Default;

    public string Root { get; } = Path.GetFullPath(root);

    public string Qualify(string repository) => RepositoryName.Validate(repository);

    public string Unqualify(string name) => RepositoryName.Validate(name);

    /// <summary>The layout directory of a repository, for tools such as <c>skopeo … oci:DIR</c>.</summary>
    public OciLayout Layout(string repository) => new(Path.Combine(Root, RepositoryName.Validate(repository)), Limits);

    public Task<bool> HasBlob(string repository, string digest, CancellationToken cancel = default) => Task.FromResult(Layout(repository).HasBlob(digest));

    public Task PutBlob(string repository, Blob blob, CancellationToken cancel = default) => Layout(repository).PutBlob(blob, cancel);

    public async Task<bool> MountBlob(string repository, string digest, string from, CancellationToken cancel = default)
    {
        var source = Layout(from);
        if (!source.HasBlob(digest))
        {
            return false;
        }

        await Layout(repository).PutBlob(new Blob("application/octet-stream", await source.GetBlob(digest, cancel)), cancel);
        return true;
    }

    public Task PutManifest(string repository, Blob manifest, string? tag = null, CancellationToken cancel = default) => Layout(repository).PutManifest(manifest, tag, cancel);

    public Task<Blob> GetManifest(string repository, string reference, CancellationToken cancel = default) => Layout(repository).GetManifest(reference, cancel);

    public Task<Blob> GetManifest(string repository, string reference, int maxBytes, CancellationToken cancel = default) =>
        Layout(repository).GetManifest(reference, maxBytes, cancel);

    public Task<byte[]> GetBlob(string repository, string digest, CancellationToken cancel = default) => Layout(repository).GetBlob(digest, cancel);

    public Task<byte[]> GetBlob(string repository, string digest, int maxBytes, CancellationToken cancel = default) => Layout(repository).GetBlob(digest, maxBytes, cancel);
}
