using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Images;
using Bpdp.Images.Layout;

namespace Bpdp.UnitTests.Hostile;

/// <summary>
/// Generated hostile OCI layouts, as a base image handed to the Builder or a layout store could be: a broken index, a
/// broken manifest, a blob that is missing, changed, larger than its descriptor or than the limit. Each pull is refused
/// with what is wrong (<see cref="InvalidDataException"/> or <see cref="ImageNotFoundException"/>), and a valid layout then pulls.
/// </summary>
public sealed class LayoutFuzzTests : IDisposable
{
    private static readonly ImageLimits Limits = new() { MaxBlobBytes = 64 * 1024, MaxManifestBytes = 16 * 1024 };
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-layout-fuzz-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Generated_hostile_layouts_are_each_refused_with_a_reason_and_a_valid_layout_then_pulls()
    {
        var mutator = new Mutator(20261205);
        var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Campaign.Layouts; i++)
        {
            var layout = new OciLayout(Path.Combine(folder, $"l{i}"), Limits);
            var image = await Valid(layout, mutator);
            var what = await Break(layout, image, mutator, i);

            Exception? error = null;
            try
            {
                await layout.Pull("latest").WaitAsync(Campaign.Bound);
            }
            catch (Exception thrown)
            {
                error = thrown;
            }

            Assert.True(error is InvalidDataException or ImageNotFoundException, $"layout {i} ({what}): {error?.GetType().Name ?? "pulled"}: {error?.Message}");
            Assert.Contains(layout.Root, error!.Message, StringComparison.Ordinal);
            kinds[what] = kinds.GetValueOrDefault(what) + 1;
        }

        var good = new OciLayout(Path.Combine(folder, "good"), Limits);
        var expected = await Valid(good, mutator);
        Assert.Equal(expected.Digest, (await good.Pull("latest")).Digest);
        Assert.Equal(Campaign.Layouts, kinds.Values.Sum());
        Assert.Equal(
            "config over the limit 125, index entry: deeply 23, index entry: duplicated 15, index entry: inserted 28, index entry: removed 20, index entry: truncated 23, " +
            "index entry: type 16, index over the limit 125, index: deeply 26, index: duplicated 28, index: inserted 10, index: removed 19, index: truncated 20, index: type 22, " +
            "layer changed 125, layer missing 125, layer size misstated 125, manifest: deeply 15, manifest: duplicated 21, manifest: inserted 18, manifest: removed 25, " +
            "manifest: truncated 17, manifest: type 29",
            string.Join(", ", kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}")));
    }

    private static async Task<OciImage> Valid(OciLayout layout, Mutator mutator)
    {
        var layer = HostileLayers.Layer(HostileLayers.File("etc/x", mutator.Text(200)));
        var config = new Blob(OciMediaTypes.Config, Encoding.UTF8.GetBytes(new JsonObject
        {
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(layer.Digest) },
        }.ToJsonString()));
        var image = HostileLayers.Image(layer, config);
        await layout.Push(image, "latest");
        return image;
    }

    private static async Task<string> Break(OciLayout layout, OciImage image, Mutator mutator, int i)
    {
        var index = Path.Combine(layout.Root, "index.json");
        switch (i % 8)
        {
            case 0:
                var (json, what) = mutator.BrokenMember(JsonNode.Parse(await File.ReadAllTextAsync(index))!.AsObject(), ["manifests"]);
                await File.WriteAllTextAsync(index, json);
                return $"index: {what.Split(' ')[^1]}";
            case 1:
                var entry = JsonNode.Parse(await File.ReadAllTextAsync(index))!["manifests"]![0]!.AsObject();
                var (brokenEntry, part) = mutator.BrokenMember(entry, ["digest"]);
                await File.WriteAllTextAsync(index, $$"""{"schemaVersion":2,"manifests":[{{brokenEntry}}]}""");
                return $"index entry: {part.Split(' ')[^1]}";
            case 2:
                var (manifest, field) = mutator.BrokenMember(JsonNode.Parse(image.Manifest.Content)!.AsObject(), ["config", "layers"]);
                await Replace(layout, image.Manifest, Encoding.UTF8.GetBytes(manifest));
                return $"manifest: {field.Split(' ')[^1]}";
            case 3:
                File.Delete(layout.BlobPath(image.Layers[0].Digest));
                return "layer missing";
            case 4:
                await File.WriteAllBytesAsync(layout.BlobPath(image.Layers[0].Digest), mutator.Flipped(image.Layers[0].Content, 1));
                return "layer changed";
            case 5:
                await File.WriteAllBytesAsync(layout.BlobPath(image.Config.Digest), new byte[Limits.MaxBlobBytes + 1 + mutator.Random.Next(1000)]);
                return "config over the limit";
            case 6:
                await File.WriteAllTextAsync(index, new string(' ', Limits.MaxManifestBytes + 1 + mutator.Random.Next(1000)) + "{}");
                return "index over the limit";
            default:
                var lying = JsonNode.Parse(image.Manifest.Content)!.AsObject();
                lying["layers"]![0]!["size"] = image.Layers[0].Size + mutator.Random.Next(-5, 5) is var size && size == image.Layers[0].Size ? size + 1 : size;
                await Replace(layout, image.Manifest, Encoding.UTF8.GetBytes(lying.ToJsonString()));
                return "layer size misstated";
        }
    }

    /// <summary>The manifest replaced by other bytes, listed under the same name with the digest of what is now stored.</summary>
    private static async Task Replace(OciLayout layout, Blob manifest, byte[] content)
    {
        var changed = new Blob(manifest.MediaType, content);
        await layout.PutBlob(changed);
        await layout.PutManifest(changed, "latest");
    }
}
