namespace Bpdp.Builder.Oci;

/// <summary>The OCI image-spec v1.1 media types the Builder writes.</summary>
public static class OciMediaTypes
{
    public const string Manifest = "application/vnd.oci.image.manifest.v1+json";
    public const string Config = "application/vnd.oci.image.config.v1+json";
    public const string Layer = "application/vnd.oci.image.layer.v1.tar+gzip";
}
