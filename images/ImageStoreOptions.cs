namespace Bpdp.Images;

/// <summary>Which image store the stages share (section <c>Images</c>).</summary>
public sealed class ImageStoreOptions
{
    public const string Section = "Images";

    public ImageStoreKind Store { get; set; } = ImageStoreKind.Layout;

    /// <summary>The folder that holds one OCI layout per repository, for <see cref="ImageStoreKind.Layout"/>.</summary>
    public string LayoutRoot { get; set; } = "images";
}
