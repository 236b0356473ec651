using System.Formats.Tar;
using System.IO.Compression;
using Bpdp.Images;
using Bpdp.Images.Layers;

namespace Bpdp.UnitTests.Images;

/// <summary>The one reader of layer tars that the Scanner and the Rollout share.</summary>
public sealed class LayerReaderTests
{
    private static byte[] Tar(params (string Name, TarEntryType Type, string? Content)[] entries)
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, type, content) in entries)
            {
                var entry = new PaxTarEntry(type, name);
                if (type == TarEntryType.SymbolicLink)
                {
                    entry.LinkName = content!;
                }
                else if (content is not null)
                {
                    entry.DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content));
                }

                writer.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    private static byte[] Gzip(byte[] tar)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar);
        }

        return output.ToArray();
    }

    [Theory]
    [InlineData("./etc/policy.yaml", "etc/policy.yaml")]
    [InlineData("/etc/policy.yaml", "etc/policy.yaml")]
    [InlineData("etc/policy.yaml", "etc/policy.yaml")]
    [InlineData("././etc/", "etc")]
    [InlineData("./", "")]
    [InlineData(".hidden", ".hidden")]
    [InlineData("../escape", "../escape")]
    public void Entry_names_are_made_relative_to_the_root_and_nothing_else(string name, string path) =>
        Assert.Equal(path, LayerReader.PathOf(name));

    [Fact]
    public void A_gzip_layer_and_the_same_plain_tar_layer_read_as_the_same_entries()
    {
        var tar = Tar(("./etc/", TarEntryType.Directory, null), ("./etc/policy.yaml", TarEntryType.RegularFile, "name: x"),
            ("./bin/current", TarEntryType.SymbolicLink, "executor"), ("./dev/fifo", TarEntryType.Fifo, null));
        string[] Read(Blob blob) => [.. LayerReader.Entries(blob).Select(e => $"{e.Kind} {e.Path}")];

        var gzip = Read(new Blob(OciMediaTypes.Layer, Gzip(tar)));
        var plain = Read(new Blob("application/vnd.oci.image.layer.v1.tar", tar));

        Assert.Equal(["Directory etc", "File etc/policy.yaml", "SymbolicLink bin/current", "Other dev/fifo"], gzip);
        Assert.Equal(gzip, plain);
    }

    [Fact]
    public void A_docker_gzip_layer_is_decompressed()
    {
        var blob = new Blob("application/vnd.docker.image.rootfs.diff.tar.gzip", Gzip(Tar(("a.txt", TarEntryType.RegularFile, "a"))));

        Assert.Equal(["a.txt"], LayerReader.Entries(blob).Select(e => e.Path));
    }

    [Fact]
    public void A_layer_of_another_compression_is_refused_naming_its_media_type()
    {
        var blob = new Blob("application/vnd.oci.image.layer.v1.tar+zstd", [1, 2, 3]);

        var error = Assert.Throws<InvalidDataException>(() => LayerReader.Entries(blob).ToList());

        Assert.Contains("application/vnd.oci.image.layer.v1.tar+zstd", error.Message, StringComparison.Ordinal);
        Assert.Contains(blob.Digest, error.Message, StringComparison.Ordinal);
    }
}
