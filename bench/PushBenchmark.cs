using System.Diagnostics;
using Bpdp.Builder.Oci;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Images.Registry;
using Bpdp.Policy;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.Bench;

/// <summary>
/// Pushing the built image to a registry with the registry store, against <c>skopeo copy oci:… docker://…</c> of
/// the same OCI layout to the same registry. Each round builds an image the registry has never seen (its executor
/// layer differs), so both upload every blob; which goes first alternates. Then each pushes again into the same
/// repository, where every blob is already there.
/// </summary>
internal static class PushBenchmark
{
    public static async Task<int> Run(string[] args)
    {
        if (await RegistryBench.From(args, "push") is not var (registry, executorArtifact, baseImage, yaml))
        {
            return 1;
        }

        var executor = executorArtifact.Binary;
        var store = ImageStoreRegistration.CreateRegistryStore(new RegistryOptions { Url = new Uri($"http://{registry}") }, NullLogger<RegistryImageStore>.Instance);

        var ours = new List<double>();
        var skopeo = new List<double>();
        var oursAgain = new List<double>();
        var skopeoAgain = new List<double>();
        OciImage? image = null;
        for (var round = 0; round < 6; round++)
        {
            var run = Guid.NewGuid().ToString("N")[..8];
            var unseen = new ExecutorArtifact([.. executor, .. System.Text.Encoding.UTF8.GetBytes(run)]);
            var forSkopeo = new PolicyImageBuilder().Build(PolicyValidator.Validate(yaml).Policy!, yaml, unseen, DateTimeOffset.UnixEpoch, baseImage);
            image = new PolicyImageBuilder().Build(PolicyValidator.Validate(yaml).Policy!, yaml, new ExecutorArtifact([.. unseen.Binary, 0]), DateTimeOffset.UnixEpoch, baseImage);
            var layout = Directory.CreateTempSubdirectory("bpdp-bench-push-").FullName;
            await new OciLayout(layout).Push(forSkopeo, "bench");
            if (round % 2 == 0)
            {
                ours.Add(await Timing.Of(() => store.PushImage($"bench/{run}/ours", image, "bench")));
                skopeo.Add(await Timing.Of(() => Skopeo(layout, $"{registry}/bench/{run}/skopeo:bench")));
            }
            else
            {
                skopeo.Add(await Timing.Of(() => Skopeo(layout, $"{registry}/bench/{run}/skopeo:bench")));
                ours.Add(await Timing.Of(() => store.PushImage($"bench/{run}/ours", image, "bench")));
            }

            oursAgain.Add(await Timing.Of(() => store.PushImage($"bench/{run}/ours", image, "bench")));
            skopeoAgain.Add(await Timing.Of(() => Skopeo(layout, $"{registry}/bench/{run}/skopeo:bench")));
            Directory.Delete(layout, recursive: true);
        }

        static double Median(List<double> values) => Percentiles.Of([.. values.Order()], 50);
        Console.WriteLine($"image {image!.Size / 1024.0 / 1024.0:F1} MiB in {image.Layers.Count} layers");
        Console.WriteLine($"fresh repository: push p50 {Median(ours):F0} ms, skopeo copy p50 {Median(skopeo):F0} ms, ratio {Median(ours) / Median(skopeo):F2}");
        Console.WriteLine($"blobs already there: push p50 {Median(oursAgain):F0} ms, skopeo copy p50 {Median(skopeoAgain):F0} ms, ratio {Median(oursAgain) / Median(skopeoAgain):F2}");
        return 0;
    }

    private static async Task Skopeo(string layout, string destination)
    {
        using var process = Process.Start(new ProcessStartInfo("skopeo",
            ["copy", "--quiet", "--dest-tls-verify=false", $"oci:{layout}:bench", $"docker://{destination}"]) { RedirectStandardError = true })!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"skopeo copy failed: {await errors}");
        }
    }
}
