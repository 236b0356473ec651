using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;

namespace Bpdp.Images.Layout;

/// <summary>
/// One OCI image layout directory (image-spec v1.1): <c>oci-layout</c>, <c>blobs/sha256/…</c> and an
/// <c>index.json</c> listing each manifest once per name (<c>org.opencontainers.image.ref.name</c>),
/// or once without a name. Blobs are written once and atomically (temporary file, then rename); the
/// index is rewritten atomically, one writer at a time within a process.
/// </summary>
public sealed class OciLayout(string root, ImageLimits? limits = null)
{
    public const string RefName = "org.opencontainers.image.ref.name";

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> IndexLocks = new(StringComparer.Ordinal);

    public string Root { get; } = Path.GetFullPath(root);

    public ImageLimits Limits { get; } = limits ?? ImageLimits.Default;

    private string IndexPath => Path.Combine(Root, "index.json");

    public string BlobPath(string digest) =>
        Path.Combine(Root, "blobs", "sha256", ImageDigest.Validate(digest)[7..]);

    public bool HasBlob(string digest) => File.Exists(BlobPath(digest));

    public async Task PutBlob(Blob blob, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var path = BlobPath(blob.Digest);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await WriteAtomically(path, blob.Content, cancel);
        }
    }

    public Task<byte[]> GetBlob(string digest, CancellationToken cancel = default) => GetBlob(digest, Limits.MaxBlobBytes, cancel);

    /// <summary>A blob's content, checked against its digest; a file larger than <paramref name="maxBytes"/> is refused unread.</summary>
    public async Task<byte[]> GetBlob(string digest, int maxBytes, CancellationToken cancel = default)
    {
        var file = new FileInfo(BlobPath(digest));
        if (!file.Exists)
        {
            throw new ImageNotFoundException($"{Root} has no blob {digest}.");
        }

        return file.Length > maxBytes
            ? throw new InvalidDataException($"{file.FullName} is {file.Length} bytes, more than the {maxBytes} bytes this read allows{Limits.NameOf(maxBytes)}.")
            : ImageStoreExtensions.Verified(await File.ReadAllBytesAsync(file.FullName, cancel), digest, file.FullName);
    }

    /// <summary>Stores the manifest and lists it in the index, under <paramref name="tag"/> when given (moving that name).</summary>
    public async Task PutManifest(Blob manifest, string? tag = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        await PutBlob(manifest, cancel);
        var gate = IndexLocks.GetOrAdd(Root, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancel);
        try
        {
            await WriteAtomically(Path.Combine(Root, "oci-layout"), Encoding.UTF8.GetBytes("""{"imageLayoutVersion":"1.0.0"}"""), cancel);
            var entries = await Entries(cancel);
            if (entries.Any(e => Digest(e) == manifest.Digest && Name(e) == tag))
            {
                return;
            }

            var kept = entries.Where(e => !(tag is not null && Name(e) == tag) && !(Digest(e) == manifest.Digest && Name(e) is null)).ToList();
            var entry = manifest.Descriptor();
            if (tag is not null)
            {
                entry["annotations"] = new JsonObject { [RefName] = tag };
            }

            kept.Add(entry);
            var index = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = OciMediaTypes.Index,
                ["manifests"] = new JsonArray([.. kept.OrderBy(e => Name(e) ?? "", StringComparer.Ordinal).ThenBy(Digest, StringComparer.Ordinal).Select(e => e.DeepClone())]),
            };
            await WriteAtomically(IndexPath, Encoding.UTF8.GetBytes(index.ToJsonString()), cancel);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The manifest a name or digest refers to.</summary>
    public Task<Blob> GetManifest(string reference, CancellationToken cancel = default) => GetManifest(reference, Limits.MaxManifestBytes, cancel);

    /// <summary>The manifest a name or digest refers to, refused unread when larger than <paramref name="maxBytes"/>.</summary>
    public async Task<Blob> GetManifest(string reference, int maxBytes, CancellationToken cancel = default)
    {
        var entries = await Entries(cancel);
        var entry = reference.StartsWith("sha256:", StringComparison.Ordinal)
            ? entries.FirstOrDefault(e => Digest(e) == reference)
            : entries.FirstOrDefault(e => Name(e) == reference);
        if (entry is null)
        {
            throw new ImageNotFoundException($"{Root} has no manifest '{reference}' in its index.json.");
        }

        return new Blob(entry["mediaType"]?.GetValue<string>() ?? OciMediaTypes.Manifest, await GetBlob(Digest(entry)!, maxBytes, cancel));
    }

    /// <summary>The manifest digest a name refers to, or null.</summary>
    public async Task<string?> Resolve(string name, CancellationToken cancel = default) =>
        (await Entries(cancel)).Where(e => Name(e) == name).Select(Digest).FirstOrDefault();

    /// <summary>The layout's only name, when it has exactly one.</summary>
    public async Task<string?> OnlyName(CancellationToken cancel = default)
    {
        var names = (await Entries(cancel)).Select(Name).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return names.Count == 1 ? names[0] : null;
    }

    /// <summary>Writes every blob of the image, then its manifest under the tag.</summary>
    public Task Push(OciImage image, string? tag, CancellationToken cancel = default) => new SingleLayoutStore(this).PushImage("", image, tag, cancel);

    /// <summary>Reads an image by name or digest, every blob checked.</summary>
    public Task<OciImage> Pull(string reference, CancellationToken cancel = default) => new SingleLayoutStore(this).PullImage("", reference, cancel);

    /// <summary>The index's manifest entries; an index too large, not JSON or not shaped as an index is refused naming the file.</summary>
    private async Task<List<JsonNode>> Entries(CancellationToken cancel)
    {
        var index = new FileInfo(IndexPath);
        if (!index.Exists)
        {
            return [];
        }

        if (index.Length > Limits.MaxManifestBytes)
        {
            throw new InvalidDataException($"{IndexPath} is {index.Length} bytes, more than {Limits.MaxManifestBytes} ({ImageLimits.Key(nameof(ImageLimits.MaxManifestBytes))}).");
        }

        JsonNode? document;
        try
        {
            document = JsonNode.Parse(await File.ReadAllBytesAsync(IndexPath, cancel), documentOptions: UntrustedJson.Options);
        }
        catch (System.Text.Json.JsonException error)
        {
            throw new InvalidDataException($"{IndexPath} is not JSON: {error.Message}", error);
        }

        if (document is not JsonObject { } root || root["manifests"] is not JsonArray manifests)
        {
            throw new InvalidDataException($"{IndexPath} is not an OCI image index: it has no \"manifests\" array.");
        }

        var entries = manifests.OfType<JsonObject>().ToList<JsonNode>();
        return entries.Count == manifests.Count && entries.All(IsEntry)
            ? entries
            : throw new InvalidDataException($"{IndexPath} has a manifest entry that is not a descriptor with a sha256 digest and string annotations.");
    }

    private static bool IsEntry(JsonNode entry) =>
        IsString(entry["digest"], out var digest) && ImageDigest.IsValid(digest)
        && (entry["mediaType"] is null || IsString(entry["mediaType"], out _))
        && entry["annotations"] switch
        {
            null => true,
            JsonObject annotations => annotations[RefName] is null || IsString(annotations[RefName], out _),
            _ => false,
        };

    private static bool IsString(JsonNode? node, out string? text)
    {
        text = null;
        return node is JsonValue value && value.TryGetValue(out text);
    }

    private static string? Digest(JsonNode entry) => (string?)entry["digest"];

    private static string? Name(JsonNode entry) => (string?)entry["annotations"]?[RefName];

    private static async Task WriteAtomically(string path, byte[] content, CancellationToken cancel)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temporary, content, cancel);
        File.Move(temporary, path, overwrite: true);
    }
}
