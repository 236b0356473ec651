using Bpdp.Contracts;

namespace Bpdp.Images;

/// <summary>Reading the canonical <c>repository@sha256:…</c> form back into an <see cref="ImageReference"/>.</summary>
public static class ImageReferenceParsing
{
    extension(ImageReference)
    {
        /// <summary>
        /// <c>repository@digest</c>, split at the last <c>@</c>: the repository must follow the distribution
        /// spec's name grammar (after an optional registry host) and the digest must be a sha256 digest.
        /// </summary>
        public static ImageReference Parse(string text)
        {
            ArgumentNullException.ThrowIfNull(text);
            var at = text.LastIndexOf('@');
            if (at <= 0)
            {
                throw new FormatException($"'{text}' is not an image reference by digest (repository@sha256:<64 hex>).");
            }

            var (repository, digest) = (text[..at], text[(at + 1)..]);
            var slash = repository.IndexOf('/', StringComparison.Ordinal);
            var path = slash > 0 && RegistryReference.IsHost(repository[..slash]) ? repository[(slash + 1)..] : repository;
            RepositoryName.Validate(path);
            return new ImageReference(repository, ImageDigest.Validate(digest, $"the digest of '{text}'"));
        }
    }
}
