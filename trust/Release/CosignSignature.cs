using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Images;

namespace Bpdp.Trust.Release;

/// <summary>
/// A signature in cosign's format, which <c>cosign verify --key</c> checks: the simple-signing payload
/// (<c>critical.identity.docker-reference</c>, <c>critical.image.docker-manifest-digest</c>, <c>critical.type</c>)
/// as the only layer of a manifest tagged <c>sha256-&lt;hex&gt;.sig</c>, with the base64 ECDSA P-256/SHA-256
/// signature over the payload's exact bytes in the layer's <c>dev.cosignproject.cosign/signature</c> annotation.
/// </summary>
public static class CosignSignature
{
    public const string PayloadMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";
    public const string SignatureAnnotation = "dev.cosignproject.cosign/signature";
    public const string PayloadType = "cosign container image signature";

    public static string TagFor(string digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return digest.Replace(':', '-') + ".sig";
    }

    public static byte[] Payload(string dockerReference, string digest) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["critical"] = new JsonObject
        {
            ["identity"] = new JsonObject { ["docker-reference"] = dockerReference },
            ["image"] = new JsonObject { ["docker-manifest-digest"] = digest },
            ["type"] = PayloadType,
        },
        ["optional"] = null,
    }.ToJsonString());

    /// <summary>The signature manifest and its blobs, ready to push under <see cref="TagFor"/>.</summary>
    public static (Blob Manifest, Blob Config, Blob Payload) Create(ECDsa key, string dockerReference, string digest)
    {
        ArgumentNullException.ThrowIfNull(key);
        var payload = new Blob(PayloadMediaType, Payload(dockerReference, digest));
        var signature = Convert.ToBase64String(key.SignData(payload.Content, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var config = new Blob(OciMediaTypes.Config, Encoding.UTF8.GetBytes(new JsonObject
        {
            ["architecture"] = "",
            ["os"] = "",
            ["config"] = new JsonObject(),
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(payload.Digest) },
        }.ToJsonString()));
        var layer = payload.Descriptor();
        layer["annotations"] = new JsonObject { [SignatureAnnotation] = signature };
        var manifest = new Blob(OciMediaTypes.Manifest, Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.Manifest,
            ["config"] = config.Descriptor(),
            ["layers"] = new JsonArray(layer),
        }.ToJsonString()));
        return (manifest, config, payload);
    }

    /// <summary>
    /// Signs <paramref name="digest"/> as the image of <paramref name="repository"/> (by the full name the store gives it)
    /// and stores the signature there under <see cref="TagFor"/>, blobs first; returns the signature manifest's digest.
    /// </summary>
    public static async Task<string> Push(IImageStore store, string repository, ECDsa key, string digest, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var (manifest, config, payload) = Create(key, store.Qualify(repository), digest);
        await store.PutBlob(repository, config, cancel);
        await store.PutBlob(repository, payload, cancel);
        await store.PutManifest(repository, manifest, TagFor(digest), cancel);
        return manifest.Digest;
    }
}
