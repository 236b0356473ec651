using System.Formats.Tar;
using System.IO.Compression;
using Bpdp.Platform.Images;

namespace Bpdp.Rollout.Local;

/// <summary>Unpacks an image's layers, lowest first, into a root filesystem (once per digest), as a container runtime would.</summary>
public static class ImageUnpacker
{
    public static string Unpack(OciImage image, string directory)
    {
        ArgumentNullException.ThrowIfNull(image);
        var root = Path.Combine(directory, image.Digest.Replace(':', '-'));
        if (File.Exists(Path.Combine(root, ".complete")))
        {
            return root;
        }

        var staging = $"{root}.{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        foreach (var layer in image.Layers)
        {
            using var compressed = new MemoryStream(layer.Content, writable: false);
            using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry() is { } entry)
            {
                var relative = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name.TrimStart('/');
                var target = Path.GetFullPath(Path.Combine(staging, relative));
                if (!target.StartsWith(staging + Path.DirectorySeparatorChar, StringComparison.Ordinal) && target != staging)
                {
                    throw new InvalidDataException($"layer {layer.Digest} has an entry outside the root: {entry.Name}");
                }

                RefuseLinkedParents(staging, target, layer.Digest, entry.Name);

                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(target);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        entry.ExtractToFile(target, overwrite: true);
                        break;
                    case TarEntryType.SymbolicLink:
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        File.Delete(target);
                        File.CreateSymbolicLink(target, entry.LinkName);
                        break;
                }
            }
        }

        File.WriteAllText(Path.Combine(staging, ".complete"), image.Digest);
        try
        {
            if (Directory.Exists(root) && !File.Exists(Path.Combine(root, ".complete")))
            {
                Directory.Delete(root, recursive: true);
            }

            Directory.Move(staging, root);
        }
        catch (IOException) when (File.Exists(Path.Combine(root, ".complete")))
        {
            // Another rollout of the same digest finished unpacking first: use its tree, which may be running.
            Directory.Delete(staging, recursive: true);
        }

        return root;
    }

    /// <summary>A layer may not write through a symbolic link it (or a lower layer) made: that could reach outside the root.</summary>
    private static void RefuseLinkedParents(string root, string target, string layer, string entry)
    {
        for (var parent = Path.GetDirectoryName(target); parent is not null && parent.Length > root.Length; parent = Path.GetDirectoryName(parent))
        {
            if (new DirectoryInfo(parent).LinkTarget is not null)
            {
                throw new InvalidDataException($"layer {layer} writes {entry} through the symbolic link {Path.GetRelativePath(root, parent)}, which could lead outside the root");
            }
        }
    }
}
