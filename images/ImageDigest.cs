namespace Bpdp.Images;

/// <summary>The only digests the pipeline accepts: <c>sha256:</c> and 64 lowercase hex digits, checked before a digest names a path, a URL or a tag.</summary>
public static class ImageDigest
{
    public static bool IsValid(string? digest) =>
        digest is { Length: 71 } && digest.StartsWith("sha256:", StringComparison.Ordinal) && !digest.AsSpan(7).ContainsAnyExcept("0123456789abcdef");

    public static string Validate(string? digest, string? what = null) =>
        IsValid(digest)
            ? digest!
            : throw new ArgumentException($"{what ?? "the digest"} '{digest}' is not a sha256 digest (sha256: and 64 lowercase hex digits).", nameof(digest));
}
