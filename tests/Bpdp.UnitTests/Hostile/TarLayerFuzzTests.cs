using System.Formats.Tar;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Rollout.Local;
using Bpdp.Scanner;
using Bpdp.Scanner.Gate;
using Bpdp.Scanner.Secrets;
using Bpdp.Scanner.Vulnerabilities;
using static Bpdp.UnitTests.Hostile.HostileLayers;

namespace Bpdp.UnitTests.Hostile;

/// <summary>
/// Generated hostile layers — traversal, links out of the root, hard links, bombs, huge headers, too many entries, cut or
/// corrupted archives — unpacked by the local target and scanned by the Scanner: the unpacker refuses every one naming
/// the layer and writes nothing outside its folder; the Scanner either scans it or refuses it the same way; a valid image
/// then unpacks.
/// </summary>
public sealed class TarLayerFuzzTests : IDisposable
{
    private static readonly ImageLimits Limits = new() { MaxLayerBytes = 128 * 1024, MaxLayerEntries = 10, MaxPathLength = 200 };
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-tar-fuzz-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Generated_hostile_layers_are_each_refused_by_the_unpacker_and_never_crash_the_scanner()
    {
        var mutator = new Mutator(20261204);
        var store = new OciLayoutImageStore(Path.Combine(folder, "store"), Limits);
        var unpacked = Path.Combine(folder, "images");
        var outside = Directory.CreateDirectory(Path.Combine(folder, "outside")).FullName;
        var scanner = new ImageScanner(SecretRuleSet.BuiltIn(), OsvDatabase.Empty, new ScanGate(Severity.High, Severity.High, [], new DateOnly(2026, 12, 2)), 1024 * 1024,
            limits: Limits);
        var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
        var scanned = 0;
        for (var i = 0; i < Campaign.TarLayers; i++)
        {
            var (layer, what) = Hostile(mutator, i, outside);
            var repository = $"fuzz/l{i}";
            var image = await Push(store, repository, layer);

            Exception? error = null;
            try
            {
                await ImageUnpacker.Unpack(store, repository, image.Digest, unpacked, CancellationToken.None).WaitAsync(Campaign.Bound);
            }
            catch (Exception thrown)
            {
                error = thrown;
            }

            Assert.True(error is InvalidDataException, $"layer {i} ({what}): {error?.GetType().Name ?? "unpacked"}: {error?.Message}");
            Assert.Contains(layer.Digest, error!.Message, StringComparison.Ordinal);
            kinds[what] = kinds.GetValueOrDefault(what) + 1;

            try
            {
                scanner.Scan(await store.PullImage(repository, image.Digest), repository);
                scanned++;
            }
            catch (InvalidDataException scanError)
            {
                Assert.Contains(layer.Digest, scanError.Message, StringComparison.Ordinal);
            }
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        var valid = await Push(store, "fuzz/image", Layer(File("etc/policy.yaml", "name: x"), new Entry("etc/same", TarEntryType.HardLink, LinkName: "etc/policy.yaml")));
        var root = await ImageUnpacker.Unpack(store, "fuzz/image", valid.Digest, unpacked, CancellationToken.None);
        Assert.Equal("name: x", System.IO.File.ReadAllText(Path.Combine(root, "etc", "same")));
        Assert.Equal(Campaign.TarLayers, kinds.Values.Sum());
        Assert.Equal(
            "corrupted 166, decompression bomb 167, hard link out of the root 167, hard link to nothing 167, huge PAX header 167, path too long 166, too many entries 166, " +
            "traversal 167, traversal inside a path 167, truncated 166, write through a link out of the root 167, write through a relative link 167",
            string.Join(", ", kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}")));

        // The Scanner writes nothing, so names and links are only read: it scans those six kinds and refuses the six broken archives.
        Assert.Equal(6 * 167, scanned);
    }

    private static async Task<OciImage> Push(OciLayoutImageStore store, string repository, Blob layer)
    {
        var image = Image(layer);
        await store.PushImage(repository, image);
        return image;
    }

    private static (Blob Layer, string What) Hostile(Mutator mutator, int i, string outside)
    {
        var name = $"d{mutator.Random.Next(100)}/f{mutator.Random.Next(1000)}";
        var ups = string.Concat(Enumerable.Repeat("../", mutator.Random.Next(1, 6)));
        return (i % 12) switch
        {
            0 => (Layer(File(ups + name, "x")), "traversal"),
            1 => (Layer(File($"ok/{ups}{ups}{name}", "x")), "traversal inside a path"),
            2 => (Layer(new Entry("lnk", TarEntryType.SymbolicLink, LinkName: outside), File($"lnk/{name}", "x")), "write through a link out of the root"),
            3 => (Layer(new Entry("lnk", TarEntryType.SymbolicLink, LinkName: ups), File($"lnk/{name}", "x")), "write through a relative link"),
            4 => (Layer(new Entry(name, TarEntryType.HardLink, LinkName: ups + "etc/passwd")), "hard link out of the root"),
            5 => (Layer(new Entry(name, TarEntryType.HardLink, LinkName: $"missing{mutator.Random.Next(99)}")), "hard link to nothing"),
            6 => (Bomb(Limits.MaxLayerBytes + mutator.Random.Next(1, 256 * 1024)), "decompression bomb"),
            7 => (HugeHeader((int)Limits.MaxLayerBytes + mutator.Random.Next(1, 64 * 1024)), "huge PAX header"),
            8 => (Layer([.. Enumerable.Range(0, Limits.MaxLayerEntries + 1 + mutator.Random.Next(20)).Select(n => File($"many/{n}", "x"))]), "too many entries"),
            9 => (Layer(File(new string('p', Limits.MaxPathLength + 1 + mutator.Random.Next(500)), "x")), "path too long"),
            10 => (new Blob(OciMediaTypes.Layer, mutator.Truncated(Gzip(Tar(File(name, mutator.Text(3000)), File("b", "b"))))), "truncated"),
            _ => (new Blob(OciMediaTypes.Layer, CorruptBody(mutator, Gzip(Tar(File(name, mutator.Text(3000)), File("b", "b"))))), "corrupted"),
        };
    }

    /// <summary>
    /// A byte of the compressed body changed (past the 10-byte gzip header, whose time and OS fields a reader may ignore), so
    /// that the archive no longer decompresses to what it held: a change can also leave it intact — a match copying zeros
    /// from a different run of zeros — and such a layer is not corrupt.
    /// </summary>
    private static byte[] CorruptBody(Mutator mutator, byte[] gzip)
    {
        var original = Gunzip(gzip)!;
        while (true)
        {
            var copy = gzip.ToArray();
            var at = mutator.Random.Next(10, copy.Length);
            copy[at] ^= (byte)(1 + mutator.Random.Next(255));
            if (Gunzip(copy) is not { } content || !content.AsSpan().SequenceEqual(original))
            {
                return copy;
            }
        }
    }

    private static byte[]? Gunzip(byte[] gzip)
    {
        try
        {
            using var input = new System.IO.Compression.GZipStream(new MemoryStream(gzip), System.IO.Compression.CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
