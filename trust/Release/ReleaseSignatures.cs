using System.Text.Json;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.Images;

namespace Bpdp.Trust.Release;

/// <summary>
/// Checks that an image is a release, from the evidence in the image store alone: the manifest tagged
/// <c>sha256-&lt;hex&gt;.sig</c> in the image's own repository, whose single layer is the simple-signing payload
/// (its media type, a blob matching its digest), whose signature annotation verifies over the payload's exact
/// bytes with a trusted release key, and whose payload is cosign's type and names this digest and this
/// repository. Each failed check is refused with its own message; a store that cannot answer throws, since an
/// outage is evidence of nothing.
/// </summary>
public sealed class ReleaseSignatures(IImageStore store, ReleaseKeyRing keys)
{
    /// <summary>The most read of a signature manifest or payload: cosign's are a few hundred bytes.</summary>
    public const int MaxBytes = 64 * 1024;

    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    public async Task<ReleaseCheck> Verify(ImageReference image, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!ImageDigest.IsValid(image.Digest))
        {
            return Refused(RefusalReason.MissingSignature, $"'{image.Digest}' is not a sha256 digest, so no release signature can name it");
        }

        if (RepositoryOf(store, image.Repository) is not { } repository)
        {
            return Refused(RefusalReason.UntrustedRegistry,
                $"{image.Repository} is not a repository of the image store releases are read from (Images:Store, Registry:Url); deploy an image by the name the Publisher released it under");
        }

        var tag = CosignSignature.TagFor(image.Digest);
        var where = $"{tag} in {image.Repository}";
        Blob? manifest;
        try
        {
            manifest = await store.FindManifest(repository, tag, MaxBytes, cancel);
        }
        catch (InvalidDataException error)
        {
            return Refused(RefusalReason.InvalidSignature, $"the signature manifest {where} is refused: {error.Message}");
        }

        if (manifest is null)
        {
            return Refused(RefusalReason.MissingSignature, $"no signature tag {where}: only images the Publisher released and signed are deployed");
        }

        if (Member(Parse(manifest.Content), "layers") is not JsonArray { Count: 1 } layers || layers[0] is not JsonObject layer)
        {
            return Refused(RefusalReason.InvalidSignature, $"the signature manifest {where} is not cosign's: it must be a manifest with exactly one layer, the simple-signing payload");
        }

        if (Text(layer["mediaType"]) is var mediaType && mediaType != CosignSignature.PayloadMediaType)
        {
            return Refused(RefusalReason.InvalidSignature, $"the layer of {where} is '{mediaType}', not the simple-signing payload ({CosignSignature.PayloadMediaType})");
        }

        var digest = Text(layer["digest"]);
        var size = layer["size"] is JsonValue sizeValue && sizeValue.TryGetValue<long>(out var declared) ? declared : -1;
        if (!ImageDigest.IsValid(digest) || size < 0)
        {
            return Refused(RefusalReason.InvalidSignature, $"the payload layer of {where} has no valid sha256 digest and size");
        }

        if (size > MaxBytes)
        {
            return Refused(RefusalReason.InvalidSignature, $"the payload of {where} is {size} bytes; a simple-signing payload is at most {MaxBytes / 1024} KiB");
        }

        if (Text(Member(layer["annotations"], CosignSignature.SignatureAnnotation)) is not { Length: > 0 } signature)
        {
            return Refused(RefusalReason.MissingSignature, $"the payload layer of {where} carries no {CosignSignature.SignatureAnnotation} annotation");
        }

        byte[] payload;
        try
        {
            payload = await store.GetBlob(repository, digest!, MaxBytes, cancel);
        }
        catch (Exception error) when (error is InvalidDataException or ImageNotFoundException)
        {
            return Refused(RefusalReason.InvalidSignature, $"the payload {digest} of {where} does not match its digest or is missing: {error.Message}");
        }

        if (payload.LongLength != size)
        {
            return Refused(RefusalReason.InvalidSignature, $"the payload of {where} is {payload.LongLength} bytes, not the {size} its manifest states");
        }

        var signatureBytes = new byte[signature.Length];
        if (!Convert.TryFromBase64String(signature, signatureBytes, out var length)
            || keys.Verifying(payload, signatureBytes.AsSpan(0, length)) is not { } keyId)
        {
            return Refused(RefusalReason.InvalidSignature,
                $"{where} does not verify with any trusted release key ({keys.Section}: {string.Join(", ", keys.KeyIds)}): the payload was changed after signing, or another key signed it");
        }

        var critical = Member(Parse(payload), "critical");
        if (Text(Member(critical, "type")) is var type && type != CosignSignature.PayloadType)
        {
            return Refused(RefusalReason.InvalidSignature, $"{where} is signed, but its payload's type is '{type}', not '{CosignSignature.PayloadType}'");
        }

        if (Text(Member(Member(critical, "image"), "docker-manifest-digest")) is var signed && signed != image.Digest)
        {
            return Refused(RefusalReason.DigestMismatch, $"{where} signs {signed} not {image.Digest}");
        }

        if (Text(Member(Member(critical, "identity"), "docker-reference")) is var reference && reference != image.Repository)
        {
            return Refused(RefusalReason.DigestMismatch, $"{where} signs the image as {reference}, not {image.Repository}");
        }

        return ReleaseCheck.Verified(keyId);
    }

    /// <summary>The store's path of a full name it gave out; null for a name it would not give (another registry's, or no repository name).</summary>
    internal static string? RepositoryOf(IImageStore store, string name)
    {
        try
        {
            var repository = store.Unqualify(name);
            return store.Qualify(repository) == name ? repository : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static ReleaseCheck Refused(RefusalReason reason, string detail) => ReleaseCheck.Refused(reason, "release signature: " + detail);

    private static JsonNode? Parse(byte[] content)
    {
        try
        {
            return JsonNode.Parse(content, documentOptions: Strict);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonNode? Member(JsonNode? node, string name) => node is JsonObject members ? members[name] : null;

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
