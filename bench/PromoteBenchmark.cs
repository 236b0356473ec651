using System.Diagnostics;
using Bpdp.Builder.Oci;
using Bpdp.Images;
using Bpdp.Images.Registry;
using Bpdp.Policy;
using Bpdp.Publisher;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.Bench;

/// <summary>
/// The Publisher's promotion of a quarantined image into a release repository and its version tag, against
/// <c>skopeo copy docker://…quarantine…@digest docker://…release…:tag</c> of the same image on the same registry.
/// Each round pushes a new image to a fresh quarantine repository, then promotes it both ways (to two release
/// repositories), alternating which goes first; a new store each round, so nothing is remembered between them.
/// </summary>
internal static class PromoteBenchmark
{
    public static async Task<int> Run(string[] args)
    {
        if (await RegistryBench.From(args, "promote") is not var (registry, executor, baseImage, yaml))
        {
            return 1;
        }

        var ours = new List<double>();
        var skopeo = new List<double>();
        OciImage? image = null;
        for (var round = 0; round < 6; round++)
        {
            var run = Guid.NewGuid().ToString("N")[..8];
            image = new PolicyImageBuilder().Build(PolicyValidator.Validate(yaml).Policy!, yaml + $"\n# round {run}\n", executor, DateTimeOffset.UnixEpoch, baseImage);
            var options = new RegistryOptions { Url = new Uri($"http://{registry}") };
            await ImageStoreRegistration.CreateRegistryStore(options, NullLogger<RegistryImageStore>.Instance).PushImage($"bench/{run}/quarantine", image);
            var store = ImageStoreRegistration.CreateRegistryStore(options, NullLogger<RegistryImageStore>.Instance);
            var digest = image.Digest;
            async Task Ours()
            {
                var manifest = await ImagePromoter.Promote(store, $"bench/{run}/quarantine", $"bench/{run}/ours", digest, CancellationToken.None);
                await store.PutManifest($"bench/{run}/ours", manifest, "1.1.0");
            }

            Task Skopeo() => Copy($"docker://{registry}/bench/{run}/quarantine@{digest}", $"docker://{registry}/bench/{run}/skopeo:1.1.0");
            if (round % 2 == 0)
            {
                ours.Add(await Timing.Of(Ours));
                skopeo.Add(await Timing.Of(Skopeo));
            }
            else
            {
                skopeo.Add(await Timing.Of(Skopeo));
                ours.Add(await Timing.Of(Ours));
            }
        }

        var oursMedian = Percentiles.Of([.. ours.Order()], 50);
        var skopeoMedian = Percentiles.Of([.. skopeo.Order()], 50);
        Console.WriteLine($"image {image!.Size / 1024.0 / 1024.0:F1} MiB in {image.Layers.Count} layers");
        Console.WriteLine($"promotion p50 {oursMedian:F0} ms, skopeo copy p50 {skopeoMedian:F0} ms, ratio {oursMedian / skopeoMedian:F2}");
        return 0;
    }

    private static async Task Copy(string source, string destination)
    {
        using var process = Process.Start(new ProcessStartInfo("skopeo",
            ["copy", "--quiet", "--src-tls-verify=false", "--dest-tls-verify=false", source, destination]) { RedirectStandardError = true })!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"skopeo copy failed: {await errors}");
        }
    }
}
