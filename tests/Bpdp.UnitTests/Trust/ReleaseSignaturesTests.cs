using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Images.Registry;
using Bpdp.Testing;
using Bpdp.Trust.Release;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.UnitTests.Trust;

/// <summary>The release signature check against an OCI-layout store: each piece of evidence that fails is refused with its own reason and message.</summary>
public sealed class ReleaseSignaturesTests : IDisposable
{
    private const string Repository = "osha/haz-fast";
    private static readonly string Digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData("haz-fast 1.1.0"u8));
    private static readonly string OtherDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData("haz-fast 1.0.1"u8));
    private static readonly ImageReference Image = new(Repository, Digest);
    private static readonly string Tag = CosignSignature.TagFor(Digest);

    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-release-").FullName;
    private readonly ReleaseSigning release = new();
    private readonly OciLayoutImageStore store;
    private readonly ReleaseKeyRing keys;

    public ReleaseSignaturesTests()
    {
        store = new OciLayoutImageStore(Path.Combine(folder, "images"));
        keys = Ring(("release-test", release.WritePublicKey(folder)));
    }

    public void Dispose()
    {
        keys.Dispose();
        release.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private Task<ReleaseCheck> Verify(ImageReference? image = null) => new ReleaseSignatures(store, keys).Verify(image ?? Image);

    private static ReleaseKeyRing Ring(params (string Id, string File)[] files) =>
        ReleaseKeyRing.Load("Rollout:ReleaseKeys", files.ToDictionary(f => f.Id, f => new ReleaseKeyOptions { PublicKeyFile = f.File }));

    /// <summary>A signature manifest of the given layers under the digest's signature tag, its config and the payloads given stored first.</summary>
    private async Task PushSignature(params (Blob? Payload, JsonObject Layer)[] layers)
    {
        var config = new Blob(OciMediaTypes.Config, "{}"u8.ToArray());
        await store.PutBlob(Repository, config);
        foreach (var payload in layers.Select(l => l.Payload).OfType<Blob>())
        {
            await store.PutBlob(Repository, payload);
        }

        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.Manifest,
            ["config"] = config.Descriptor(),
            ["layers"] = new JsonArray([.. layers.Select(l => l.Layer.DeepClone())]),
        };
        await store.PutManifest(Repository, new Blob(OciMediaTypes.Manifest, Encoding.UTF8.GetBytes(manifest.ToJsonString())), Tag);
    }

    /// <summary>A payload layer as cosign writes it, its signature by <paramref name="signer"/> over <paramref name="payload"/>'s exact bytes.</summary>
    private static (Blob? Payload, JsonObject Layer) Signed(byte[] payload, ECDsa signer)
    {
        var blob = new Blob(CosignSignature.PayloadMediaType, payload);
        var layer = blob.Descriptor();
        layer["annotations"] = new JsonObject
        {
            [CosignSignature.SignatureAnnotation] = Convert.ToBase64String(signer.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)),
        };
        return (blob, layer);
    }

    [Fact]
    public async Task A_release_the_publisher_signed_verifies_with_the_trusted_key()
    {
        await release.Sign(store, Image);

        var check = await Verify();

        Assert.True(check.IsVerified, check.Detail);
        Assert.Equal("release signature: verified with release key 'release-test'", check.Detail);
    }

    [Fact]
    public async Task While_a_key_is_rotated_a_release_signed_by_either_trusted_key_verifies()
    {
        using var next = new ReleaseSigning();
        var nextFile = Path.Combine(Directory.CreateDirectory(Path.Combine(folder, "next")).FullName, "next.pub.pem");
        await File.WriteAllTextAsync(nextFile, next.Key.ExportSubjectPublicKeyInfoPem());
        using var both = Ring(("release-2026", release.WritePublicKey(folder)), ("release-2027", nextFile));
        await next.Sign(store, Image);

        var check = await new ReleaseSignatures(store, both).Verify(Image);

        Assert.Equal("release signature: verified with release key 'release-2027'", check.Detail);
    }

    [Fact]
    public async Task A_digest_without_a_signature_tag_is_refused_as_missing_its_signature()
    {
        await release.Sign(store, Image with { Digest = OtherDigest });

        var check = await Verify();

        Assert.Equal(RefusalReason.MissingSignature, check.Refusal);
        Assert.Equal($"release signature: no signature tag {Tag} in osha/haz-fast: only images the Publisher released and signed are deployed", check.Detail);
    }

    [Fact]
    public async Task A_signature_by_a_key_that_is_not_trusted_does_not_verify()
    {
        using var stranger = new ReleaseSigning();
        await stranger.Sign(store, Image);

        var check = await Verify();

        Assert.Equal(RefusalReason.InvalidSignature, check.Refusal);
        Assert.Equal($"release signature: {Tag} in osha/haz-fast does not verify with any trusted release key (Rollout:ReleaseKeys: release-test): " +
            "the payload was changed after signing, or another key signed it", check.Detail);
    }

    [Fact]
    public async Task A_signature_of_another_digest_under_this_digests_tag_is_a_digest_mismatch()
    {
        await PushSignature(Signed(CosignSignature.Payload(Repository, OtherDigest), release.Key));

        var check = await Verify();

        Assert.Equal(RefusalReason.DigestMismatch, check.Refusal);
        Assert.Equal($"release signature: {Tag} in osha/haz-fast signs {OtherDigest} not {Digest}", check.Detail);
    }

    [Fact]
    public async Task A_signature_of_the_digest_as_another_repositorys_image_is_refused()
    {
        await PushSignature(Signed(CosignSignature.Payload("fda/haz-fast", Digest), release.Key));

        var check = await Verify();

        Assert.Equal(RefusalReason.DigestMismatch, check.Refusal);
        Assert.Equal($"release signature: {Tag} in osha/haz-fast signs the image as fda/haz-fast, not osha/haz-fast", check.Detail);
    }

    [Fact]
    public async Task A_payload_changed_in_the_store_after_signing_no_longer_matches_its_digest()
    {
        var (_, _, payload) = CosignSignature.Create(release.Key, Repository, Digest);
        await release.Sign(store, Image);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(CosignSignature.Payload(Repository, Digest)).Replace(Digest, OtherDigest, StringComparison.Ordinal));
        await File.WriteAllBytesAsync(store.Layout(Repository).BlobPath(payload.Digest), tampered);

        var check = await Verify();

        Assert.Equal(RefusalReason.InvalidSignature, check.Refusal);
        Assert.StartsWith($"release signature: the payload {payload.Digest} of {Tag} in osha/haz-fast does not match its digest or is missing: ", check.Detail, StringComparison.Ordinal);
        Assert.Contains($"the content's digest is {Blob.DigestOf(tampered)}, not {payload.Digest}", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_rewritten_with_a_matching_digest_fails_the_signature_it_kept()
    {
        var (original, layer) = Signed(CosignSignature.Payload(Repository, OtherDigest), release.Key);
        var rewritten = new Blob(CosignSignature.PayloadMediaType, CosignSignature.Payload(Repository, Digest));
        var forged = rewritten.Descriptor();
        forged["annotations"] = layer["annotations"]!.DeepClone();
        await PushSignature((rewritten, forged));

        var check = await Verify();

        Assert.NotEqual(original!.Digest, rewritten.Digest);
        Assert.Equal(RefusalReason.InvalidSignature, check.Refusal);
        Assert.Contains("does not verify with any trusted release key", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signature_manifest_over_64_KiB_is_refused_unread()
    {
        var (payload, layer) = Signed(CosignSignature.Payload(Repository, Digest), release.Key);
        layer["annotations"]!["padding"] = new string('x', ReleaseSignatures.MaxBytes);
        await PushSignature((payload, layer));

        var check = await Verify();

        Assert.Equal(RefusalReason.InvalidSignature, check.Refusal);
        Assert.StartsWith($"release signature: the signature manifest {Tag} in osha/haz-fast is refused: ", check.Detail, StringComparison.Ordinal);
        Assert.EndsWith("more than the 65536 bytes this read allows.", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_over_64_KiB_is_refused_before_it_is_fetched()
    {
        var (_, layer) = Signed(CosignSignature.Payload(Repository, Digest), release.Key);
        var oversize = new Blob(CosignSignature.PayloadMediaType, new byte[ReleaseSignatures.MaxBytes + 1]);
        layer["digest"] = oversize.Digest;
        layer["size"] = oversize.Size;
        await PushSignature((null, layer));

        var check = await Verify();

        Assert.False(store.Layout(Repository).HasBlob(oversize.Digest));
        Assert.Equal(RefusalReason.InvalidSignature, check.Refusal);
        Assert.Equal($"release signature: the payload of {Tag} in osha/haz-fast is 65537 bytes; a simple-signing payload is at most 64 KiB", check.Detail);
    }

    [Fact]
    public async Task A_signature_manifest_with_more_than_the_payload_layer_is_not_cosigns()
    {
        var payload = Signed(CosignSignature.Payload(Repository, Digest), release.Key);
        await PushSignature(payload, payload);

        var check = await Verify();

        Assert.Equal(RefusalReason.InvalidSignature, check.Refusal);
        Assert.Equal($"release signature: the signature manifest {Tag} in osha/haz-fast is not cosign's: it must be a manifest with exactly one layer, the simple-signing payload",
            check.Detail);
    }

    [Fact]
    public async Task A_layer_without_the_signature_annotation_is_refused_as_missing_its_signature()
    {
        var (payload, layer) = Signed(CosignSignature.Payload(Repository, Digest), release.Key);
        layer.Remove("annotations");
        await PushSignature((payload, layer));

        var check = await Verify();

        Assert.Equal(RefusalReason.MissingSignature, check.Refusal);
        Assert.Equal($"release signature: the payload layer of {Tag} in osha/haz-fast carries no {CosignSignature.SignatureAnnotation} annotation", check.Detail);
    }

    [Fact]
    public async Task A_signed_payload_that_is_not_of_cosigns_type_is_refused()
    {
        var payload = JsonNode.Parse(CosignSignature.Payload(Repository, Digest))!;
        payload["critical"]!["type"] = "atomic container signature";
        await PushSignature(Signed(Encoding.UTF8.GetBytes(payload.ToJsonString()), release.Key));

        var check = await Verify();

        Assert.Equal(RefusalReason.InvalidSignature, check.Refusal);
        Assert.Equal($"release signature: {Tag} in osha/haz-fast is signed, but its payload's type is 'atomic container signature', not 'cosign container image signature'",
            check.Detail);
    }

    [Fact]
    public async Task An_image_named_on_another_registry_than_the_stores_is_refused_without_a_request()
    {
        var registry = ImageStoreRegistration.CreateRegistryStore(new RegistryOptions { Url = new Uri("http://127.0.0.1:9") }, NullLogger<RegistryImageStore>.Instance);

        var check = await new ReleaseSignatures(registry, keys).Verify(new ImageReference("registry.example.gov/osha/haz-fast", Digest));

        Assert.Equal(RefusalReason.UntrustedRegistry, check.Refusal);
        Assert.Equal("release signature: registry.example.gov/osha/haz-fast is not a repository of the image store releases are read from (Images:Store, Registry:Url); " +
            "deploy an image by the name the Publisher released it under", check.Detail);
    }
}
