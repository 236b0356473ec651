namespace Bpdp.Images;

/// <summary>Where images are kept: <c>Images:Store</c>.</summary>
public enum ImageStoreKind
{
    /// <summary>OCI image-layout directories under <c>Images:LayoutRoot</c> (the embedded default).</summary>
    Layout,

    /// <summary>An OCI registry over the distribution API (section <c>Registry</c>).</summary>
    Registry,
}
