namespace Bpdp.Testing;

/// <summary>The base image layout scripts/build-base-image.sh writes, named by <c>BPDP_BASE_IMAGE_LAYOUT</c>.</summary>
public static class BaseImageLayout
{
    /// <summary>Its directory; a test that needs it fails, never skips, when it is not there.</summary>
    public static string Path =>
        Environment.GetEnvironmentVariable("BPDP_BASE_IMAGE_LAYOUT") is { Length: > 0 } path && File.Exists(System.IO.Path.Combine(path, "index.json"))
            ? path
            : throw new InvalidOperationException(
                "BPDP_BASE_IMAGE_LAYOUT does not name the base image layout: run `export BPDP_BASE_IMAGE_LAYOUT=$(scripts/build-base-image.sh)` (scripts/test.sh does).");
}
