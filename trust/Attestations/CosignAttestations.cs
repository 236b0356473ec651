using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Images;

namespace Bpdp.Trust.Attestations;

/// <summary>
/// Attestations in cosign's layout, which <c>cosign verify-attestation --key</c> reads: a manifest tagged
/// <c>sha256-&lt;hex&gt;.att</c> in the image's repository whose layers are DSSE envelopes
/// (<c>application/vnd.dsse.envelope.v1+json</c>), each annotated with its statement's <c>predicateType</c> and an
/// empty <c>dev.cosignproject.cosign/signature</c> (the signature is inside the envelope). BPDP also names the
/// deployment a layer belongs to (<c>dev.bpdp.deployment-id</c>), to find it again; the annotation is a hint only,
/// never evidence, since it is not signed.
/// </summary>
public static class CosignAttestations
{
    public const string PredicateTypeAnnotation = "predicateType";
    public const string DeploymentAnnotation = "dev.bpdp.deployment-id";

    /// <summary>The most read of an attestation manifest or one envelope: ours are a few KiB.</summary>
    public const int MaxBytes = 256 * 1024;

    /// <summary>One turn per attested image at a time in this process (a semaphore each: a few hundred bytes per released digest).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> Turns = new(StringComparer.Ordinal);

    public static string TagFor(string digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return digest.Replace(':', '-') + ".att";
    }

    /// <summary>
    /// Adds the envelopes of deployment <paramref name="deploymentId"/> to the attestations of <paramref name="digest"/>,
    /// blobs first, keeping every layer already there. A deployment whose layers of each predicate type are already
    /// there adds nothing (a redelivery: the envelopes would differ, since ECDSA signatures do). Returns the manifest's digest.
    /// </summary>
    public static async Task<string> Add(IImageStore store, string repository, string digest, Guid deploymentId,
        IReadOnlyList<(string PredicateType, byte[] Envelope)> envelopes, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(envelopes);
        // The manifest is read, extended and written whole, and registries offer no compare-and-set: two deployments of one
        // digest attested at once in this process take turns, so neither loses its layers (across processes they still could).
        var turn = Turns.GetOrAdd($"{store.Qualify(repository)}@{digest}", _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(cancel);
        try
        {
            return await AddInTurn(store, repository, digest, deploymentId, envelopes, cancel);
        }
        finally
        {
            turn.Release();
        }
    }

    private static async Task<string> AddInTurn(IImageStore store, string repository, string digest, Guid deploymentId,
        IReadOnlyList<(string PredicateType, byte[] Envelope)> envelopes, CancellationToken cancel)
    {
        var tag = TagFor(digest);
        var deployment = deploymentId.ToString("D");
        var existing = await store.FindManifest(repository, tag, MaxBytes, cancel);
        var layers = existing is null ? [] : (Json.Member(Json.Parse(existing.Content), "layers") as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var missing = envelopes.Where(e => !layers.Any(l => Annotation(l, DeploymentAnnotation) == deployment && Annotation(l, PredicateTypeAnnotation) == e.PredicateType)).ToList();
        if (existing is not null && missing.Count == 0)
        {
            return existing.Digest;
        }

        var all = layers.Select(l => (JsonObject)l.DeepClone()).ToList();
        foreach (var (predicateType, envelope) in missing)
        {
            var blob = new Blob(Dsse.EnvelopeMediaType, envelope);
            await store.PutBlob(repository, blob, cancel);
            var layer = blob.Descriptor();
            layer["annotations"] = new JsonObject
            {
                ["dev.cosignproject.cosign/signature"] = "",
                [PredicateTypeAnnotation] = predicateType,
                [DeploymentAnnotation] = deployment,
            };
            all.Add(layer);
        }

        var config = new Blob(OciMediaTypes.Config, Encoding.UTF8.GetBytes(new JsonObject
        {
            ["architecture"] = "",
            ["os"] = "",
            ["config"] = new JsonObject(),
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray([.. all.Select(l => (JsonNode?)l["digest"]!.DeepClone())]) },
        }.ToJsonString()));
        await store.PutBlob(repository, config, cancel);
        var manifest = new Blob(OciMediaTypes.Manifest, Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.Manifest,
            ["config"] = config.Descriptor(),
            ["layers"] = new JsonArray([.. all]),
        }.ToJsonString()));
        await store.PutManifest(repository, manifest, tag, cancel);
        return manifest.Digest;
    }

    internal static string? Annotation(JsonNode? layer, string name) => Json.Text(Json.Member(Json.Member(layer, "annotations"), name));
}
