using System.Diagnostics.CodeAnalysis;

namespace Bpdp.Images;

/// <summary>
/// An image as a person names it on a registry: <c>host[:port]/repository</c> followed by <c>:tag</c>,
/// <c>@sha256:…</c> or nothing (<c>latest</c>).
/// </summary>
public sealed record RegistryReference(string Host, string Repository, string TagOrDigest)
{
    /// <summary>The first path component names a registry host when it has a dot or a port, or is <c>localhost</c> (Docker's rule).</summary>
    public static bool IsHost(string component)
    {
        ArgumentNullException.ThrowIfNull(component);
        return component.Contains('.', StringComparison.Ordinal) || component.Contains(':', StringComparison.Ordinal) || component == "localhost";
    }

    public static bool TryParse(string text, [NotNullWhen(true)] out RegistryReference? reference)
    {
        ArgumentNullException.ThrowIfNull(text);
        reference = null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !IsHost(text[..slash]))
        {
            return false;
        }

        var rest = text[(slash + 1)..];
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        var colon = rest.LastIndexOf(':');
        var (repository, tagOrDigest) = at > 0 ? (rest[..at], rest[(at + 1)..]) : colon > 0 ? (rest[..colon], rest[(colon + 1)..]) : (rest, "latest");
        reference = new RegistryReference(text[..slash], repository, tagOrDigest);
        return true;
    }
}
