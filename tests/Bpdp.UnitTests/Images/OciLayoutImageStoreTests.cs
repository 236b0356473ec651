using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Images;
using Bpdp.Images.Layout;

namespace Bpdp.UnitTests.Images;

/// <summary>The embedded image store: one OCI layout per repository, tags in index.json, every read checked against its digest.</summary>
public sealed class OciLayoutImageStoreTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("bpdp-layouts-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static OciImage Image(string text)
    {
        var layer = new Blob(OciMediaTypes.Layer, Encoding.UTF8.GetBytes($"layer {text}"));
        var config = new Blob(OciMediaTypes.Config, Encoding.UTF8.GetBytes($$$"""{"rootfs":{"type":"layers","diff_ids":["{{{layer.Digest}}}"]}}"""));
        var manifest = new Blob(OciMediaTypes.Manifest, Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.Manifest,
            ["config"] = config.Descriptor(),
            ["layers"] = new JsonArray(layer.Descriptor()),
        }.ToJsonString()));
        return new OciImage(manifest, config, [layer]);
    }

    [Fact]
    public async Task An_image_pushed_to_a_repository_is_read_back_by_digest_and_by_tag()
    {
        var store = new OciLayoutImageStore(root);
        var image = Image("one");

        await store.PushImage("release/osha/haz-fast", image, "1.0.0");

        Assert.Equal(image.Digest, (await store.PullImage("release/osha/haz-fast", "1.0.0")).Digest);
        Assert.Equal(image.Layers[0].Content, (await store.PullImage("release/osha/haz-fast", image.Digest)).Layers[0].Content);
        Assert.True(File.Exists(Path.Combine(root, "release", "osha", "haz-fast", "oci-layout")));
    }

    [Fact]
    public async Task Moving_a_tag_keeps_the_other_image_listed_untagged_by_its_tag_only_once()
    {
        var store = new OciLayoutImageStore(root);
        await store.PushImage("quarantine/a", Image("one"), "latest");
        await store.PushImage("quarantine/a", Image("two"), "latest");
        await store.PushImage("quarantine/a", Image("two"), "latest");
        await store.PushImage("quarantine/a", Image("three"));

        var index = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(root, "quarantine", "a", "index.json")))!["manifests"]!.AsArray();
        Assert.Equal(Image("two").Digest, (await store.GetManifest("quarantine/a", "latest")).Digest);
        Assert.Equal(2, index.Count);
        Assert.Contains(index, e => e!["digest"]!.GetValue<string>() == Image("three").Digest && e["annotations"] is null);
    }

    [Fact]
    public async Task A_blob_changed_on_disk_is_refused_rather_than_served()
    {
        var store = new OciLayoutImageStore(root);
        var image = Image("one");
        await store.PushImage("quarantine/a", image);
        await File.WriteAllTextAsync(store.Layout("quarantine/a").BlobPath(image.Layers[0].Digest), "tampered");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.PullImage("quarantine/a", image.Digest));
        Assert.Contains(image.Layers[0].Digest, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("Upper/case")]
    [InlineData("/absolute")]
    [InlineData("")]
    public void A_repository_name_outside_the_distribution_grammar_is_refused(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => new OciLayoutImageStore(root).Layout(name));
        Assert.Contains("is not a repository name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_manifest_is_not_found_with_the_name_asked_for()
    {
        var error = await Assert.ThrowsAsync<ImageNotFoundException>(() => new OciLayoutImageStore(root).GetManifest("quarantine/a", "9.9.9"));
        Assert.Contains("'9.9.9'", error.Message, StringComparison.Ordinal);
    }
}
