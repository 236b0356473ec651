using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Images;
using Bpdp.Images.Layers;
using Bpdp.Images.Layout;
using Bpdp.UnitTests.Hostile;

namespace Bpdp.UnitTests.Images;

/// <summary>Images as a hostile layout or registry would serve them: every read is bounded and every refusal says what is wrong and which limit applies.</summary>
public sealed class HostileImageTests : IDisposable
{
    private static readonly ImageLimits Small = new() { MaxLayerBytes = 1024 * 1024, MaxLayerEntries = 10, MaxPathLength = 100, MaxLayers = 3 };
    private readonly string root = Directory.CreateTempSubdirectory("bpdp-hostile-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private Task<Exception> Pull(JsonObject manifest, ImageLimits? limits = null, params Blob[] blobs) => Pull(manifest.ToJsonString(), limits, blobs);

    private async Task<Exception> Pull(string manifest, ImageLimits? limits = null, params Blob[] blobs)
    {
        var store = new OciLayoutImageStore(root, limits);
        foreach (var blob in blobs)
        {
            await store.PutBlob("osha/haz-fast", blob);
        }

        await store.PutManifest("osha/haz-fast", new Blob(OciMediaTypes.Manifest, Encoding.UTF8.GetBytes(manifest)), "hostile");
        return await Assert.ThrowsAsync<InvalidDataException>(() => store.PullImage("osha/haz-fast", "hostile"));
    }

    private const string Missing = "sha256:ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";

    private static JsonObject Descriptor(string digest = Missing, long size = 3) =>
        new() { ["mediaType"] = OciMediaTypes.Layer, ["digest"] = digest, ["size"] = size };

    [Theory]
    [InlineData("""{"schemaVersion":2}""", "has no \"layers\" array")]
    [InlineData("""[1,2]""", "is not a JSON object")]
    [InlineData("""{"layers":[],"config":"x"}""", "config is not a descriptor object")]
    [InlineData("""{"layers":[{"mediaType":"a","digest":"sha256:../../etc/passwd","size":1}],"config":{"mediaType":"a","digest":"sha256:00","size":1}}""", "not sha256: and 64 lowercase hex")]
    [InlineData("""{"layers":[],"config":{"mediaType":7,"digest":"x","size":1}}""", "has no \"mediaType\" string")]
    [InlineData("""{"layers":[],"config":{"mediaType":"a","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":-1}}""", "no non-negative integer \"size\"")]
    [InlineData("""{"layers":[],"config":{"mediaType":"a","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":"3"}}""", "no non-negative integer \"size\"")]
    public async Task A_broken_manifest_is_refused_with_what_is_wrong_in_it(string manifest, string expected)
    {
        var error = await Pull(manifest);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_that_is_not_json_or_is_an_index_is_refused_by_the_parser()
    {
        var notJson = Assert.Throws<InvalidDataException>(() => ImageManifest.Parse(new Blob(OciMediaTypes.Manifest, "{\"layers\":"u8.ToArray()), "m"));
        var index = Assert.Throws<InvalidDataException>(() => ImageManifest.Parse(new Blob(OciMediaTypes.Index, "{}"u8.ToArray()), "m"));
        var deep = Assert.Throws<InvalidDataException>(() => ImageManifest.Parse(new Blob(OciMediaTypes.Manifest, Encoding.UTF8.GetBytes(new string('[', 100) + new string(']', 100))), "m"));

        Assert.StartsWith("m: the manifest is not JSON", notJson.Message, StringComparison.Ordinal);
        Assert.Equal("m is an image index; name the linux/amd64 image manifest's digest instead.", index.Message);
        Assert.StartsWith("m: the manifest is not JSON", deep.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_layers_than_the_limit_are_refused_naming_the_limit()
    {
        var manifest = new JsonObject { ["config"] = Descriptor(), ["layers"] = new JsonArray([.. Enumerable.Range(0, 4).Select(_ => (JsonNode)Descriptor())]) };

        var error = await Pull(manifest, Small);

        Assert.Contains("has 4 layers, more than 3 (Images:Limits:MaxLayers)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blob_larger_or_smaller_than_its_descriptor_says_is_refused()
    {
        var layer = HostileLayers.Layer(HostileLayers.File("a", "a"));
        var config = new Blob(OciMediaTypes.Config, "{}"u8.ToArray());

        var larger = await Pull(new JsonObject { ["config"] = Descriptor(config.Digest, 2), ["layers"] = new JsonArray(Descriptor(layer.Digest, layer.Size - 1)) }, null, layer, config);
        var smaller = await Pull(new JsonObject { ["config"] = Descriptor(config.Digest, 2), ["layers"] = new JsonArray(Descriptor(layer.Digest, layer.Size + 1)) }, null, layer, config);

        Assert.Contains($"more than the {layer.Size - 1} bytes this read allows", larger.Message, StringComparison.Ordinal);
        Assert.Contains($"blob {layer.Digest} is {layer.Size} bytes, not the {layer.Size + 1} its descriptor says", smaller.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_descriptor_declaring_more_than_the_blob_limit_is_refused_before_anything_is_read()
    {
        var error = await Pull(new JsonObject { ["config"] = Descriptor(size: 10L * 1024 * 1024 * 1024), ["layers"] = new JsonArray() });

        Assert.Contains("declares 10737418240 bytes, more than 536870912 (Images:Limits:MaxBlobBytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_index_json_that_is_too_large_not_json_or_not_an_index_is_refused_naming_the_file()
    {
        var layout = Path.Combine(root, "bad");
        Directory.CreateDirectory(layout);
        var index = Path.Combine(layout, "index.json");
        var store = new OciLayout(layout, Small with { MaxManifestBytes = 1024 });

        await File.WriteAllTextAsync(index, new string(' ', 2000));
        var tooLarge = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetManifest("latest"));
        await File.WriteAllTextAsync(index, "{\"manifests\":");
        var notJson = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetManifest("latest"));
        await File.WriteAllTextAsync(index, """{"manifests":[{"digest":"../../../etc/passwd"}]}""");
        var notDigest = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetManifest("latest"));
        await File.WriteAllTextAsync(index, """{"manifests":[{"digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","annotations":[1]}]}""");
        var badAnnotations = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetManifest("latest"));

        Assert.Equal($"{index} is 2000 bytes, more than 1024 (Images:Limits:MaxManifestBytes).", tooLarge.Message);
        Assert.StartsWith($"{index} is not JSON", notJson.Message, StringComparison.Ordinal);
        Assert.Equal($"{index} has a manifest entry that is not a descriptor with a sha256 digest and string annotations.", notDigest.Message);
        Assert.Equal(notDigest.Message, badAnnotations.Message);
    }

    [Fact]
    public void A_gzip_bomb_stops_at_the_decompressed_limit()
    {
        var bomb = HostileLayers.Bomb(64L * 1024 * 1024);

        var error = Assert.Throws<InvalidDataException>(() => LayerReader.Entries(bomb, Small).Select(DrainEntry).ToList());

        Assert.True(bomb.Size < 200_000, $"the bomb is {bomb.Size} bytes compressed");
        Assert.Equal($"layer {bomb.Digest} is more than 1048576 bytes once decompressed (Images:Limits:MaxLayerBytes): refused as a decompression bomb", error.Message);
    }

    [Fact]
    public void A_layer_with_more_entries_than_the_limit_is_refused()
    {
        var layer = HostileLayers.Layer([.. Enumerable.Range(0, 11).Select(i => HostileLayers.File($"f{i}", "x"))]);

        var error = Assert.Throws<InvalidDataException>(() => LayerReader.Entries(layer, Small).ToList());

        Assert.Equal($"layer {layer.Digest} has more than 10 entries (Images:Limits:MaxLayerEntries).", error.Message);
    }

    [Fact]
    public void An_entry_path_or_link_target_longer_than_the_limit_is_refused()
    {
        var longPath = HostileLayers.Layer(HostileLayers.File(new string('p', 101), "x"));
        var longLink = HostileLayers.Layer(new HostileLayers.Entry("l", TarEntryType.SymbolicLink, LinkName: new string('t', 101)));

        var path = Assert.Throws<InvalidDataException>(() => LayerReader.Entries(longPath, Small).ToList());
        var link = Assert.Throws<InvalidDataException>(() => LayerReader.Entries(longLink, Small).ToList());

        Assert.Contains("longer than 100 characters (Images:Limits:MaxPathLength)", path.Message, StringComparison.Ordinal);
        Assert.Contains("longer than 100 characters (Images:Limits:MaxPathLength)", link.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pax_header_larger_than_the_layer_limit_is_refused_without_being_held()
    {
        var layer = HostileLayers.HugeHeader(4 * 1024 * 1024);

        var error = Assert.Throws<InvalidDataException>(() => LayerReader.Entries(layer, Small).ToList());

        Assert.Contains("(Images:Limits:MaxLayerBytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_or_corrupt_layer_is_refused_as_invalid_data_naming_the_layer()
    {
        var whole = HostileLayers.Tar(HostileLayers.File("a", new string('a', 5000)), HostileLayers.File("b", "b"));
        var truncated = new Blob("application/vnd.oci.image.layer.v1.tar", whole[..700]);
        var corrupt = whole.ToArray();
        corrupt[150] ^= 0x55;
        var badChecksum = new Blob("application/vnd.oci.image.layer.v1.tar", corrupt);
        var truncatedGzip = new Blob(OciMediaTypes.Layer, HostileLayers.Gzip(whole)[..40]);

        foreach (var layer in new[] { truncated, badChecksum, truncatedGzip })
        {
            var error = Assert.ThrowsAny<Exception>(() => LayerReader.Entries(layer, Small).Select(DrainEntry).ToList());
            Assert.IsAssignableFrom<InvalidDataException>(error);
        }
    }

    private static long DrainEntry(LayerEntry entry)
    {
        if (entry.Tar.DataStream is not { } data)
        {
            return 0;
        }

        var buffer = new byte[8192];
        long total = 0;
        int read;
        while ((read = data.Read(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }
}
