using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Images;

namespace Bpdp.Publisher.Signing;

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

    public static string TagFor(string digest) => digest.Replace(':', '-') + ".sig";

    public static byte[] Payload(string dockerReference, string digest) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["critical"] = new JsonObject
        {
            ["identity"] = new JsonObject { ["docker-reference"] = dockerReference },
            ["image"] = new JsonObject { ["docker-manifest-digest"] = digest },
            ["type"] = "cosign container image signature",
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
}
