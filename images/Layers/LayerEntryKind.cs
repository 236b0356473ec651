namespace Bpdp.Images.Layers;

/// <summary>What a layer entry is, as far as an image's root filesystem is concerned.</summary>
public enum LayerEntryKind
{
    Directory,

    /// <summary>A regular file (POSIX, V7 or contiguous: all three hold bytes).</summary>
    File,

    SymbolicLink,

    HardLink,

    /// <summary>Devices, FIFOs and metadata entries: nothing an executor's root needs.</summary>
    Other,
}
