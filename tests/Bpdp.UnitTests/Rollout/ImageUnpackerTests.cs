using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Builder.Oci;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Rollout.Local;

namespace Bpdp.UnitTests.Rollout;

/// <summary>Unpacking images for the local target: layers in order, and nothing written outside the root.</summary>
public sealed class ImageUnpackerTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-unpack-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static OciImage Image(params IEnumerable<LayerFile>[] layers)
    {
        var built = layers.Select(l => ReproducibleLayer.Build(l).Layer).ToList();
        var config = new Blob(OciMediaTypes.Config, "{}"u8.ToArray());
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.Manifest,
            ["config"] = config.Descriptor(),
            ["layers"] = new JsonArray([.. built.Select(b => (JsonNode)b.Descriptor())]),
        };
        return new OciImage(new Blob(OciMediaTypes.Manifest, Encoding.UTF8.GetBytes(manifest.ToJsonString())), config, built);
    }

    /// <summary>Unpacks <paramref name="image"/> as the local target does: from the image store, by digest.</summary>
    private async Task<string> Unpack(OciImage image, string directory)
    {
        var store = new OciLayoutImageStore(Path.Combine(folder, "store"));
        await store.PushImage("test/image", image);
        return await ImageUnpacker.Unpack(store, "test/image", image.Digest, directory, CancellationToken.None);
    }

    [Fact]
    public async Task A_later_layer_overwrites_a_file_and_links_are_kept()
    {
        var image = Image(
            [new LayerFile("etc/app.conf", "one"u8.ToArray(), UnixFileMode.UserRead), LayerFile.Symlink("etc/current", "app.conf")],
            [new LayerFile("etc/app.conf", "two"u8.ToArray(), UnixFileMode.UserRead)]);

        var root = await Unpack(image, Path.Combine(folder, "images"));

        Assert.Equal("two", File.ReadAllText(Path.Combine(root, "etc", "app.conf")));
        Assert.Equal("app.conf", new FileInfo(Path.Combine(root, "etc", "current")).LinkTarget);
    }

    [Fact]
    public async Task A_layer_writing_through_a_symbolic_link_is_refused_and_nothing_lands_outside()
    {
        var outside = Directory.CreateDirectory(Path.Combine(folder, "outside")).FullName;
        var image = Image([LayerFile.Symlink("escape", outside)], [new LayerFile("escape/planted", "x"u8.ToArray(), UnixFileMode.UserRead)]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Unpack(image, Path.Combine(folder, "images")));

        Assert.Contains("symbolic link escape", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(outside, "planted")));
    }

    [Fact]
    public async Task A_file_over_a_lower_layers_symbolic_link_replaces_the_link_and_leaves_its_target_alone()
    {
        var outside = Path.Combine(Directory.CreateDirectory(Path.Combine(folder, "outside")).FullName, "victim");
        File.WriteAllText(outside, "untouched");
        var image = Image([LayerFile.Symlink("etc/x", outside)], [new LayerFile("etc/x", "planted"u8.ToArray(), UnixFileMode.UserRead)]);

        var root = await Unpack(image, Path.Combine(folder, "images"));

        Assert.Equal("untouched", File.ReadAllText(outside));
        Assert.Null(new FileInfo(Path.Combine(root, "etc", "x")).LinkTarget);
        Assert.Equal("planted", File.ReadAllText(Path.Combine(root, "etc", "x")));
    }

    private sealed class BlobCounter(IImageStore inner) : IImageStore
    {
        public List<string> Fetched { get; } = [];

        public string Qualify(string repository) => inner.Qualify(repository);

        public string Unqualify(string name) => inner.Unqualify(name);

        public Task<bool> HasBlob(string repository, string digest, CancellationToken cancel = default) => inner.HasBlob(repository, digest, cancel);

        public Task PutBlob(string repository, Blob blob, CancellationToken cancel = default) => inner.PutBlob(repository, blob, cancel);

        public Task<bool> MountBlob(string repository, string digest, string from, CancellationToken cancel = default) => inner.MountBlob(repository, digest, from, cancel);

        public Task PutManifest(string repository, Blob manifest, string? tag = null, CancellationToken cancel = default) => inner.PutManifest(repository, manifest, tag, cancel);

        public Task<Blob> GetManifest(string repository, string reference, CancellationToken cancel = default) => inner.GetManifest(repository, reference, cancel);

        public Task<Blob> GetManifest(string repository, string reference, int maxBytes, CancellationToken cancel = default) =>
            inner.GetManifest(repository, reference, maxBytes, cancel);

        public Task<byte[]> GetBlob(string repository, string digest, CancellationToken cancel = default)
        {
            Fetched.Add(digest);
            return inner.GetBlob(repository, digest, cancel);
        }

        public Task<byte[]> GetBlob(string repository, string digest, int maxBytes, CancellationToken cancel = default)
        {
            Fetched.Add(digest);
            return inner.GetBlob(repository, digest, maxBytes, cancel);
        }
    }

    [Fact]
    public async Task The_next_version_fetches_and_unpacks_only_the_layers_it_does_not_share()
    {
        var store = new BlobCounter(new OciLayoutImageStore(Path.Combine(folder, "store")));
        LayerFile[] executor = [new LayerFile("usr/local/bin/run", "#!/bin/sh\n"u8.ToArray(), UnixFileMode.UserRead | UnixFileMode.UserExecute)];
        var first = Image(executor, [new LayerFile("etc/policy.yaml", "v1"u8.ToArray(), UnixFileMode.UserRead)]);
        var second = Image(executor, [new LayerFile("etc/policy.yaml", "v2"u8.ToArray(), UnixFileMode.UserRead)]);
        await store.PushImage("osha/haz-fast", first);
        await store.PushImage("osha/haz-fast", second);

        var one = await ImageUnpacker.Unpack(store, "osha/haz-fast", first.Digest, Path.Combine(folder, "images"), CancellationToken.None);
        store.Fetched.Clear();
        var two = await ImageUnpacker.Unpack(store, "osha/haz-fast", second.Digest, Path.Combine(folder, "images"), CancellationToken.None);

        Assert.Equal([second.Layers[1].Digest], store.Fetched);
        Assert.Equal("v1", File.ReadAllText(Path.Combine(one, "etc", "policy.yaml")));
        Assert.Equal("v2", File.ReadAllText(Path.Combine(two, "etc", "policy.yaml")));
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(Path.Combine(two, "usr", "local", "bin", "run")).HasFlag(UnixFileMode.UserExecute));
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("sha256:../../../../../../../../../../../../../../../../../../../../../../../../../../etc/x")]
    [InlineData("sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")]
    public async Task A_digest_that_is_not_a_sha256_digest_is_refused_before_it_names_any_path(string digest)
    {
        var images = Path.Combine(folder, "images");
        var store = new OciLayoutImageStore(Path.Combine(folder, "store"));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ImageUnpacker.Unpack(store, "osha/haz-fast", digest, images, CancellationToken.None));

        Assert.Contains($"the image digest '{digest}' is not a sha256 digest", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(images));
    }
}
