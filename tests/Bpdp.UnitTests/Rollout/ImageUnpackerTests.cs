using System.Text;
using Bpdp.Builder.Oci;
using Bpdp.Platform.Images;
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
        return new OciImage(new Blob(OciMediaTypes.Manifest, Encoding.UTF8.GetBytes(string.Join(",", built.Select(b => b.Digest)))), config, built);
    }

    [Fact]
    public void A_later_layer_overwrites_a_file_and_links_are_kept()
    {
        var image = Image(
            [new LayerFile("etc/app.conf", "one"u8.ToArray(), UnixFileMode.UserRead), LayerFile.Symlink("etc/current", "app.conf")],
            [new LayerFile("etc/app.conf", "two"u8.ToArray(), UnixFileMode.UserRead)]);

        var root = ImageUnpacker.Unpack(image, folder);

        Assert.Equal("two", File.ReadAllText(Path.Combine(root, "etc", "app.conf")));
        Assert.Equal("app.conf", new FileInfo(Path.Combine(root, "etc", "current")).LinkTarget);
    }

    [Fact]
    public void A_layer_writing_through_a_symbolic_link_is_refused_and_nothing_lands_outside()
    {
        var outside = Directory.CreateDirectory(Path.Combine(folder, "outside")).FullName;
        var image = Image([LayerFile.Symlink("escape", outside)], [new LayerFile("escape/planted", "x"u8.ToArray(), UnixFileMode.UserRead)]);

        var error = Assert.Throws<InvalidDataException>(() => ImageUnpacker.Unpack(image, Path.Combine(folder, "images")));

        Assert.Contains("symbolic link escape", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(outside, "planted")));
    }
}
