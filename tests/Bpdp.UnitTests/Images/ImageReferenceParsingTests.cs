using Bpdp.Contracts;
using Bpdp.Images;

namespace Bpdp.UnitTests.Images;

public sealed class ImageReferenceParsingTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("base/distroless@" + Digest, "base/distroless")]
    [InlineData("127.0.0.1:5000/release/haz-fast@" + Digest, "127.0.0.1:5000/release/haz-fast")]
    [InlineData("registry.example.gov/quarantine/haz-fast@" + Digest, "registry.example.gov/quarantine/haz-fast")]
    public void The_canonical_form_parses_back_into_its_reference(string text, string repository)
    {
        var reference = ImageReference.Parse(text);

        Assert.Equal(new ImageReference(repository, Digest), reference);
        Assert.Equal(text, reference.ToString());
    }

    [Theory]
    [InlineData("base/distroless")]
    [InlineData("base/distroless:1.0")]
    [InlineData("@" + Digest)]
    [InlineData("Base/Distroless@" + Digest)]
    [InlineData("base/distroless@sha256:0123")]
    [InlineData("base/distroless@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("base/distroless@sha256:../../../../etc/passwd0123456789abcdef0123456789abcdef0123456")]
    public void Anything_but_a_repository_by_sha256_digest_is_refused(string text) =>
        Assert.ThrowsAny<Exception>(() => ImageReference.Parse(text));

    [Theory]
    [InlineData("127.0.0.1:5000/release/haz-fast:1.0.0", "127.0.0.1:5000", "release/haz-fast", "1.0.0")]
    [InlineData("localhost/haz-fast", "localhost", "haz-fast", "latest")]
    [InlineData("registry.example.gov/release/haz-fast@" + Digest, "registry.example.gov", "release/haz-fast", Digest)]
    public void A_registry_reference_names_host_repository_and_tag_or_digest(string text, string host, string repository, string tagOrDigest)
    {
        Assert.True(RegistryReference.TryParse(text, out var reference));
        Assert.Equal(new RegistryReference(host, repository, tagOrDigest), reference);
    }

    [Theory]
    [InlineData("haz-fast:1.0.0")]
    [InlineData("release/haz-fast")]
    public void A_name_without_a_registry_host_is_not_a_registry_reference(string text) =>
        Assert.False(RegistryReference.TryParse(text, out _));
}
