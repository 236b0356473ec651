using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Images;
using Bpdp.Platform.Bus;
using Bpdp.Scanner.Layers;

namespace Bpdp.Scanner.Sbom;

/// <summary>
/// A CycloneDX 1.5 JSON SBOM of an image: the NuGet packages from the <c>.deps.json</c> files it carries,
/// and every file with its SHA-256. Deterministic — the serial number comes from the image digest and the
/// timestamp from the image's creation time — so the same image gives the same SBOM digest.
/// </summary>
public static class CycloneDxSbom
{
    public const string MediaType = "application/vnd.cyclonedx+json";

    public static byte[] Build(OciImage image, string repository, IReadOnlyList<HashedFile> files, IReadOnlyList<SbomComponent> packages)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Build(image.Manifest, image.Config, [.. image.Layers.Select(l => l.Digest)], repository, files, packages);
    }

    /// <summary>The SBOM from the image's manifest, config and layer digests: its layers' contents need not be at hand (their scans are).</summary>
    public static byte[] Build(Blob manifest, Blob config, IReadOnlyList<string> layerDigests, string repository, IReadOnlyList<HashedFile> files,
        IReadOnlyList<SbomComponent> packages)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(layerDigests);
        var imageDigest = manifest.Digest;
        var created = JsonNode.Parse(config.Content)?["created"]?.GetValue<string>() ?? "1970-01-01T00:00:00Z";
        var components = new JsonArray();
        foreach (var package in packages.DistinctBy(p => p.Purl).OrderBy(p => p.Purl, StringComparer.Ordinal))
        {
            components.Add(new JsonObject
            {
                ["type"] = "library",
                ["bom-ref"] = package.Purl,
                ["name"] = package.Name,
                ["version"] = package.Version,
                ["purl"] = package.Purl,
                ["properties"] = new JsonArray(new JsonObject { ["name"] = "bpdp:found-in", ["value"] = "/" + package.FoundIn }),
            });
        }

        var layerOrder = layerDigests.Select((digest, position) => (digest, position)).DistinctBy(l => l.digest).ToDictionary(l => l.digest, l => l.position, StringComparer.Ordinal);
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => layerOrder.GetValueOrDefault(f.LayerDigest)))
        {
            components.Add(new JsonObject
            {
                ["type"] = "file",
                ["bom-ref"] = $"file:/{file.Path}@{file.LayerDigest}",
                ["name"] = "/" + file.Path,
                ["hashes"] = new JsonArray(new JsonObject { ["alg"] = "SHA-256", ["content"] = file.Sha256 }),
                ["properties"] = new JsonArray(new JsonObject { ["name"] = "bpdp:layer", ["value"] = file.LayerDigest }),
            });
        }

        var document = new JsonObject
        {
            ["bomFormat"] = "CycloneDX",
            ["specVersion"] = "1.5",
            ["serialNumber"] = $"urn:uuid:{DeterministicIds.From($"sbom/{imageDigest}"):D}",
            ["version"] = 1,
            ["metadata"] = new JsonObject
            {
                ["timestamp"] = created,
                ["tools"] = new JsonObject { ["components"] = new JsonArray(new JsonObject { ["type"] = "application", ["name"] = "bpdp-scanner" }) },
                ["component"] = new JsonObject
                {
                    ["type"] = "container",
                    ["bom-ref"] = $"{repository}@{imageDigest}",
                    ["name"] = repository,
                    ["version"] = imageDigest,
                },
            },
            ["components"] = components,
        };
        return Encoding.UTF8.GetBytes(document.ToJsonString());
    }

    /// <summary>The SBOM as an OCI 1.1 artifact whose subject is the image, ready to store beside it.</summary>
    public static (Blob Manifest, Blob Config, Blob Sbom) AsArtifact(OciImage image, byte[] sbom)
    {
        ArgumentNullException.ThrowIfNull(image);
        return AsArtifact(image.Manifest, sbom);
    }

    /// <summary>The SBOM as an OCI 1.1 artifact whose subject is the image of <paramref name="imageManifest"/>.</summary>
    public static (Blob Manifest, Blob Config, Blob Sbom) AsArtifact(Blob imageManifest, byte[] sbom) =>
        ArtifactManifest.Create(imageManifest, MediaType, new Blob(MediaType, sbom));
}
