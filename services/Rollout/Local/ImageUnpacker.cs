using Bpdp.Images;
using Bpdp.Images.Layers;

namespace Bpdp.Rollout.Local;

/// <summary>
/// Unpacks an image into a root filesystem (once per image digest), as a container runtime would: each layer
/// is unpacked once into <c>layers/&lt;digest&gt;</c> and kept, so the next version — which shares the base and
/// the executor layers — fetches and unpacks only its policy layer; the root is then composed from the layer
/// trees, lowest first. No layer may write through a symbolic link, its own or a lower layer's.
/// </summary>
public static class ImageUnpacker
{
    private const string Complete = ".complete";

    /// <summary>The root of the image <paramref name="digest"/> from the store, fetching only the layers not unpacked yet.</summary>
    public static async Task<string> Unpack(IImageStore store, string repository, string digest, string directory, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(store);
        var root = RootOf(directory, digest);
        if (File.Exists(Path.Combine(root, Complete)))
        {
            return root;
        }

        var where = $"{store.Qualify(repository)}@{digest}";
        var manifest = ImageManifest.Parse(await store.GetManifest(repository, digest, cancel), where, store.Limits);
        var layers = new List<string>();
        foreach (var descriptor in manifest.Layers)
        {
            var tree = LayerTree(directory, descriptor.Digest);
            if (!File.Exists(Path.Combine(tree, Complete)))
            {
                UnpackLayer(await store.GetBlob(repository, descriptor, where, cancel), tree, store.Limits);
            }

            layers.Add(tree);
        }

        return Compose(root, digest, layers);
    }

    /// <summary>Digests become folder names only once they are known to be sha256 digests: a command or a manifest naming <c>../x</c> never names a path.</summary>
    private static string RootOf(string directory, string digest) => Path.Combine(directory, ImageDigest.Validate(digest, "the image digest").Replace(':', '-'));

    private static string LayerTree(string directory, string digest) => Path.Combine(directory, "layers", ImageDigest.Validate(digest, "the layer digest").Replace(':', '-'));

    /// <summary>One layer's entries into its own tree, published whole (staged, then moved) so a half-unpacked layer is never reused.</summary>
    private static void UnpackLayer(Blob layer, string tree, ImageLimits limits)
    {
        Publish(tree, staging =>
        {
            foreach (var entry in LayerReader.Entries(layer, limits))
            {
                var target = Inside(staging, entry.Path, layer.Digest, entry.Tar.Name);
                if (entry.Kind != LayerEntryKind.Directory && Path.GetFullPath(target).TrimEnd('/') == Path.GetFullPath(staging).TrimEnd('/'))
                {
                    throw new InvalidDataException($"layer {layer.Digest} has a {entry.Kind} entry '{entry.Tar.Name}' that names the root itself");
                }

                try
                {
                    Write(staging, target, entry, layer);
                }
                catch (IOException error)
                {
                    // A file where a directory already is, a directory where a file is: the layer contradicts itself.
                    throw new InvalidDataException($"layer {layer.Digest}: its entry '{entry.Tar.Name}' cannot be written: {error.Message}", error);
                }
            }
        }, layer.Digest);
    }

    private static void Write(string staging, string target, LayerEntry entry, Blob layer)
    {
        switch (entry.Kind)
        {
            case LayerEntryKind.Directory:
                Directory.CreateDirectory(target);
                break;
            case LayerEntryKind.File:
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                Extract(entry, target, layer);
                break;
            case LayerEntryKind.SymbolicLink:
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Delete(target);
                File.CreateSymbolicLink(target, entry.Tar.LinkName);
                break;
            case LayerEntryKind.HardLink:
                HardLink(staging, target, entry, layer.Digest);
                break;
        }
    }

    private static void Extract(LayerEntry entry, string target, Blob layer)
    {
        try
        {
            entry.Tar.ExtractToFile(target, overwrite: true);
        }
        catch (EndOfStreamException error)
        {
            throw LayerReader.CutShort(layer, entry, error);
        }
    }

    /// <summary>A hard link becomes a copy of the file it names, which must be inside the root and earlier in the same layer.</summary>
    private static void HardLink(string staging, string target, LayerEntry entry, string layer)
    {
        var source = Inside(staging, LayerReader.PathOf(entry.Tar.LinkName), layer, entry.Tar.LinkName);
        if (!File.Exists(source) || new FileInfo(source).LinkTarget is not null)
        {
            throw new InvalidDataException($"layer {layer} has a hard link {entry.Tar.Name} to {entry.Tar.LinkName}, which is not a regular file earlier in the layer");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Delete(target);
        File.Copy(source, target);
    }

    /// <summary>The image's root: every layer tree copied over the ones below it, in order.</summary>
    private static string Compose(string root, string digest, IReadOnlyList<string> layers)
    {
        Publish(root, staging =>
        {
            foreach (var layer in layers)
            {
                CopyTree(layer, layer, staging, Path.GetFileName(layer).Replace('-', ':'));
            }
        }, digest);
        return root;
    }

    private static void CopyTree(string layerRoot, string from, string staging, string layer)
    {
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            var relative = Path.GetRelativePath(layerRoot, entry.FullName);
            if (relative == Complete)
            {
                continue;
            }

            var target = Inside(staging, relative, layer, relative);
            if (entry.LinkTarget is { } link)
            {
                File.Delete(target);
                File.CreateSymbolicLink(target, link);
            }
            else if (entry is DirectoryInfo)
            {
                if (new FileInfo(target).LinkTarget is not null)
                {
                    throw new InvalidDataException($"layer {layer} writes {relative}/ through the symbolic link {relative}, which could lead outside the root");
                }

                Directory.CreateDirectory(target);
                CopyTree(layerRoot, entry.FullName, staging, layer);
            }
            else
            {
                // A lower layer's symbolic link at this very path is replaced, never written through.
                File.Delete(target);
                File.Copy(entry.FullName, target, overwrite: false);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(target, File.GetUnixFileMode(entry.FullName));
                }
            }
        }
    }

    /// <summary>Where an entry lands under <paramref name="root"/>; never outside it, never through a symbolic link.</summary>
    private static string Inside(string root, string relative, string layer, string entry)
    {
        var target = Path.GetFullPath(Path.Combine(root, relative));
        if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && target != root)
        {
            throw new InvalidDataException($"layer {layer} has an entry outside the root: {entry}");
        }

        for (var parent = Path.GetDirectoryName(target); parent is not null && parent.Length > root.Length; parent = Path.GetDirectoryName(parent))
        {
            if (new DirectoryInfo(parent).LinkTarget is not null)
            {
                throw new InvalidDataException($"layer {layer} writes {entry} through the symbolic link {Path.GetRelativePath(root, parent)}, which could lead outside the root");
            }
        }

        return target;
    }

    /// <summary>Builds <paramref name="destination"/> in a staging folder beside it and moves it into place; a concurrent builder that finished first wins.</summary>
    private static void Publish(string destination, Action<string> build, string digest)
    {
        var staging = $"{destination}.{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        try
        {
            build(staging);
            File.WriteAllText(Path.Combine(staging, Complete), digest);
            if (Directory.Exists(destination) && !File.Exists(Path.Combine(destination, Complete)))
            {
                Directory.Delete(destination, recursive: true);
            }

            Directory.Move(staging, destination);
        }
        catch (IOException) when (File.Exists(Path.Combine(destination, Complete)))
        {
            // Another rollout of the same digest finished first: use its tree, which may be running.
            Directory.Delete(staging, recursive: true);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }
    }
}
