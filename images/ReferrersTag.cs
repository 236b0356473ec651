using System.Text;
using System.Text.Json.Nodes;

namespace Bpdp.Images;

/// <summary>
/// The distribution spec's referrers tag schema, for registries without the referrers API (and for OCI
/// layouts): an image index tagged <c>sha256-&lt;hex&gt;</c> listing every artifact whose subject is that
/// digest, each with its <c>artifactType</c>. Adding is idempotent. The index is read, extended and written back:
/// adds to one subject's index run one at a time in this process, or two at once would each write the index without
/// the other's artifact (a registry offers no compare-and-swap).
/// </summary>
public static class ReferrersTag
{
    private static readonly StripedLock Writes = new();

    public static string For(string digest) => digest.Replace(':', '-');

    public static async Task Add(IImageStore store, string repository, string subjectDigest, Blob artifact, string artifactType, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(artifact);
        using (await Writes.Acquire($"{store.Qualify(repository)}@{subjectDigest}", cancel))
        {
            await AddNow(store, repository, subjectDigest, artifact, artifactType, cancel);
        }
    }

    private static async Task AddNow(IImageStore store, string repository, string subjectDigest, Blob artifact, string artifactType, CancellationToken cancel)
    {
        var tag = For(subjectDigest);
        var existing = await store.FindManifest(repository, tag, cancel);
        var manifests = existing is null ? [] : JsonNode.Parse(existing.Content)?["manifests"]?.AsArray().Select(m => m!.DeepClone()).ToList() ?? [];
        if (manifests.Any(m => m["digest"]?.GetValue<string>() == artifact.Digest))
        {
            return;
        }

        var entry = artifact.Descriptor();
        entry["artifactType"] = artifactType;
        manifests.Add(entry);
        var index = new Blob(OciMediaTypes.Index, Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.Index,
            ["manifests"] = new JsonArray([.. manifests.OrderBy(m => m["digest"]!.GetValue<string>(), StringComparer.Ordinal)]),
        }.ToJsonString()));
        await store.PutManifest(repository, index, tag, cancel);
    }

    /// <summary>The artifacts listed for a subject: digest and artifact type.</summary>
    public static async Task<IReadOnlyList<(string Digest, string ArtifactType)>> List(IImageStore store, string repository, string subjectDigest, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(store);
        var index = await store.FindManifest(repository, For(subjectDigest), cancel);
        return index is null
            ? []
            : [.. (JsonNode.Parse(index.Content)?["manifests"]?.AsArray() ?? []).Select(m => (m!["digest"]!.GetValue<string>(), m["artifactType"]?.GetValue<string>() ?? ""))];
    }
}
