namespace Bpdp.Images;

/// <summary>The OCI image-spec v1.1 media types the image stores read and write.</summary>
public static class OciMediaTypes
{
    public const string Manifest = "application/vnd.oci.image.manifest.v1+json";
    public const string Index = "application/vnd.oci.image.index.v1+json";
    public const string Config = "application/vnd.oci.image.config.v1+json";
    public const string Layer = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string Empty = "application/vnd.oci.empty.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    /// <summary>Every manifest type a store is asked for, so a registry answers with what it holds.</summary>
    public static readonly IReadOnlyList<string> Manifests = [Manifest, Index, DockerManifest];
}
