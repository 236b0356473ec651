using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Bpdp.Images;

namespace Bpdp.UnitTests.Hostile;

/// <summary>Layer tars as an attacker would write them: built with the BCL's tar writer, then gzipped, truncated or bloated.</summary>
internal static class HostileLayers
{
    public sealed record Entry(string Name, TarEntryType Type = TarEntryType.RegularFile, byte[]? Content = null, string? LinkName = null,
        IReadOnlyDictionary<string, string>? Pax = null);

    private static readonly DateTimeOffset FixedTime = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, string> FixedTimes = new(StringComparer.Ordinal) { ["atime"] = "1764547200", ["ctime"] = "1764547200" };

    public static byte[] Tar(params Entry[] entries)
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                // Fixed times: the archive's bytes, and so where a corruption lands, must not depend on when the test runs.
                var tar = new PaxTarEntry(entry.Type, entry.Name, entry.Pax ?? FixedTimes) { ModificationTime = FixedTime };
                if (entry.LinkName is not null)
                {
                    tar.LinkName = entry.LinkName;
                }

                if (entry.Content is not null)
                {
                    tar.DataStream = new MemoryStream(entry.Content);
                }

                writer.WriteEntry(tar);
            }
        }

        return output.ToArray();
    }

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    /// <summary>A single-layer image of <paramref name="layer"/>; its config is <c>{}</c> unless given.</summary>
    public static OciImage Image(Blob layer, Blob? config = null)
    {
        var imageConfig = config ?? new Blob(OciMediaTypes.Config, "{}"u8.ToArray());
        var manifest = new System.Text.Json.Nodes.JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.Manifest,
            ["config"] = imageConfig.Descriptor(),
            ["layers"] = new System.Text.Json.Nodes.JsonArray(layer.Descriptor()),
        };
        return new OciImage(new Blob(OciMediaTypes.Manifest, Encoding.UTF8.GetBytes(manifest.ToJsonString())), imageConfig, [layer]);
    }

    public static Blob Layer(params Entry[] entries) => new(OciMediaTypes.Layer, Gzip(Tar(entries)));

    public static Entry File(string name, string content) => new(name, Content: Encoding.UTF8.GetBytes(content));

    /// <summary>A gzip stream of <paramref name="bytes"/> zeros, written in chunks so the test itself never holds them: a few kilobytes per megabyte.</summary>
    public static Blob Bomb(long bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "zeros") { DataStream = new ZeroStream(bytes) });
        }

        return new Blob(OciMediaTypes.Layer, output.ToArray());
    }

    /// <summary>A tar of one entry whose PAX header holds a value of <paramref name="characters"/> characters.</summary>
    public static Blob HugeHeader(int characters) =>
        Layer(new Entry("big", Content: [1], Pax: new Dictionary<string, string> { ["comment"] = new string('h', characters) }));

    private sealed class ZeroStream(long length) : Stream
    {
        private long position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => position; set => position = value; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - position);
            Array.Clear(buffer, offset, n);
            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => length + offset,
        };

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
