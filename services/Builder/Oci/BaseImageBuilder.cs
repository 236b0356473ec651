using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Images;

namespace Bpdp.Builder.Oci;

/// <summary>
/// Turns a root filesystem unpacked from pinned Debian packages (<c>dpkg -x</c>) into a distroless-style
/// base image: one reproducible layer with the files, links and directories as packaged (documentation
/// left out), a <c>nonroot</c> user 65532, and a world-writable <c>/tmp</c>. No shell, no package manager.
/// </summary>
public static class BaseImageBuilder
{
    public const string NonRootUser = "65532:65532";

    private static readonly string[] LeftOut = ["usr/share/doc", "usr/share/lintian", "usr/share/man", "usr/share/info"];

    /// <param name="rootfs">The unpacked packages.</param>
    /// <param name="packages">What it was made from, e.g. <c>libc6=2.36-9+deb12u13</c>, recorded as an annotation.</param>
    /// <param name="created">A fixed time (e.g. <c>SOURCE_DATE_EPOCH</c>), so the same packages give the same digest.</param>
    public static OciImage FromRootfs(string rootfs, string packages, DateTimeOffset created)
    {
        var root = new DirectoryInfo(rootfs);
        if (!root.Exists)
        {
            throw new DirectoryNotFoundException($"no root filesystem at {rootfs}: run scripts/build-base-image.sh.");
        }

        var entries = new List<LayerFile>();
        foreach (var item in root.EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var path = Path.GetRelativePath(root.FullName, item.FullName).Replace('\\', '/');
            if (LeftOut.Any(p => path == p || path.StartsWith(p + "/", StringComparison.Ordinal)))
            {
                continue;
            }

            entries.Add(item switch
            {
                _ when item.LinkTarget is { } target => LayerFile.Symlink(path, target),
                DirectoryInfo => LayerFile.Directory(path, item.UnixFileMode),
                _ => new LayerFile(path, File.ReadAllBytes(item.FullName), item.UnixFileMode),
            });
        }

        var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        entries.Add(new LayerFile("etc/passwd", Encoding.ASCII.GetBytes("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"), readable));
        entries.Add(new LayerFile("etc/group", Encoding.ASCII.GetBytes("root:x:0:\nnonroot:x:65532:\n"), readable));
        entries.Add(LayerFile.Directory("tmp", (UnixFileMode)Convert.ToInt32("1777", 8)));
        var (layer, diffId) = ReproducibleLayer.Build(entries);

        var createdText = created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var annotations = new JsonObject
        {
            ["org.opencontainers.image.created"] = createdText,
            ["org.opencontainers.image.title"] = "bpdp-base",
            ["org.opencontainers.image.description"] = $"Distroless-style base from Debian packages: {packages}",
        };
        var config = new Blob(OciMediaTypes.Config, Encoding.UTF8.GetBytes(new JsonObject
        {
            ["created"] = createdText,
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new JsonObject { ["User"] = NonRootUser, ["Env"] = new JsonArray("PATH=/usr/local/bin:/usr/bin:/bin"), ["WorkingDir"] = "/" },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(diffId) },
            ["history"] = new JsonArray(new JsonObject { ["created"] = createdText, ["created_by"] = $"bpdp base: {packages}" }),
        }.ToJsonString()));
        var manifest = new Blob(OciMediaTypes.Manifest, Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.Manifest,
            ["config"] = config.Descriptor(),
            ["layers"] = new JsonArray(layer.Descriptor()),
            ["annotations"] = annotations,
        }.ToJsonString()));
        return new OciImage(manifest, config, [layer]);
    }
}
