namespace Bpdp.Images;

/// <summary>
/// Where images live between stages: an OCI registry (production) or OCI image-layout directories
/// (the embedded mode). Repositories are named by their path (<c>quarantine/agency/policy</c>);
/// <see cref="Qualify"/> gives the full name users pass to their own tools.
/// </summary>
public interface IImageStore
{
    /// <summary>How much this store reads of one manifest or blob, and how much of a layer its readers unpack.</summary>
    ImageLimits Limits => ImageLimits.Default;

    /// <summary>The repository's full name, e.g. <c>registry.example:5000/quarantine/agency/policy</c>.</summary>
    string Qualify(string repository);

    /// <summary>The repository path of a full name this store gave out (the inverse of <see cref="Qualify"/>).</summary>
    string Unqualify(string name);

    Task<bool> HasBlob(string repository, string digest, CancellationToken cancel = default);

    /// <summary>Stores a blob unless the repository already has it.</summary>
    Task PutBlob(string repository, Blob blob, CancellationToken cancel = default);

    /// <summary>Makes a blob of <paramref name="from"/> part of <paramref name="repository"/> without sending it again (cross-repository mount); false when the store cannot.</summary>
    Task<bool> MountBlob(string repository, string digest, string from, CancellationToken cancel = default);

    /// <summary>Stores a manifest whose blobs are all present, under its digest and, when given, a tag.</summary>
    Task PutManifest(string repository, Blob manifest, string? tag = null, CancellationToken cancel = default);

    /// <summary>The manifest a tag or digest names, up to <see cref="ImageLimits.MaxManifestBytes"/>; <see cref="ImageNotFoundException"/> when there is none.</summary>
    Task<Blob> GetManifest(string repository, string reference, CancellationToken cancel = default);

    /// <summary>
    /// The manifest a tag or digest names, read only up to <paramref name="maxBytes"/>: a larger one is refused with
    /// <see cref="InvalidDataException"/> without being read whole, for manifests that are small by definition.
    /// </summary>
    Task<Blob> GetManifest(string repository, string reference, int maxBytes, CancellationToken cancel = default);

    /// <summary>A blob's content, checked against its digest, up to <see cref="ImageLimits.MaxBlobBytes"/>.</summary>
    Task<byte[]> GetBlob(string repository, string digest, CancellationToken cancel = default);

    /// <summary>A blob's content, checked against its digest, read only up to <paramref name="maxBytes"/> (else <see cref="InvalidDataException"/>).</summary>
    Task<byte[]> GetBlob(string repository, string digest, int maxBytes, CancellationToken cancel = default);
}
