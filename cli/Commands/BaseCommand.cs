using System.CommandLine;
using Bpdp.Builder.Oci;
using Bpdp.Images;
using Bpdp.Images.Layout;

namespace Bpdp.Cli.Commands;

/// <summary><c>bpdp base</c>: the distroless-style base image from a root filesystem of unpacked Debian packages (scripts/build-base-image.sh).</summary>
internal static class BaseCommand
{
    public static Command Create()
    {
        var rootfs = new Argument<DirectoryInfo>("rootfs") { Description = "The packages unpacked with dpkg -x." };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "The OCI image layout directory to write (created when missing).", Required = true };
        var packages = new Option<string>("--packages") { Description = "What the rootfs was made from, e.g. libc6=2.36-9+deb12u13; recorded in the image.", Required = true };
        var tag = new Option<string>("--tag") { Description = "The name in the layout's index.", DefaultValueFactory = _ => LayoutReference.DefaultRef };
        var command = new Command("base", "Build the base image (one reproducible layer, user 65532, no shell) and print its digest.") { rootfs, output, packages, tag };
        command.SetAction(async (result, cancel) =>
        {
            var root = result.GetRequiredValue(rootfs);
            if (!root.Exists)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"bpdp: {root.FullName}: no such directory.");
                return 2;
            }

            var image = BaseImageBuilder.FromRootfs(root.FullName, result.GetRequiredValue(packages), SourceDateEpoch.OrUnixEpoch());
            await new OciLayout(result.GetRequiredValue(output).FullName).Push(image, result.GetRequiredValue(tag), cancel);
            await result.InvocationConfiguration.Error.WriteLineAsync($"base image: {image.Size / 1024.0 / 1024.0:F1} MiB into {result.GetRequiredValue(output).FullName}");
            await result.InvocationConfiguration.Output.WriteLineAsync(image.Digest);
            return 0;
        });
        return command;
    }
}
