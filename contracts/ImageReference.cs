namespace Bpdp.Contracts;

/// <summary>An image by content address: images travel between stages by digest, never by tag.</summary>
/// <param name="Repository">Registry host and repository, e.g. <c>registry.example:5000/quarantine/haz-fast</c>, or an OCI layout repository name.</param>
/// <param name="Digest">The manifest digest, <c>sha256:</c> followed by 64 lowercase hex digits.</param>
public sealed record ImageReference(string Repository, string Digest)
{
    /// <summary>The canonical <c>repository@digest</c> form.</summary>
    public override string ToString() => $"{Repository}@{Digest}";
}
