using System.Diagnostics;
using System.Text;
using Bpdp.Builder.Oci;
using Bpdp.Policy;

namespace Bpdp.Bench;

/// <summary>
/// Image build cost: a cold build (the executor layer compressed for the first time) and a warm build
/// (executor layer reused by digest) of a small policy, against the baseline of building the policy
/// layer alone (hash and compress the policy file), in the same process.
/// </summary>
internal static class BuildBenchmark
{
    public static Task<int> Run(string[] args)
    {
        var executorPath = BenchArgs.ExecutorPath(args);
        if (!File.Exists(executorPath))
        {
            Console.Error.WriteLine($"No executor binary at {executorPath}: run scripts/publish-executor.sh first.");
            return Task.FromResult(1);
        }

        var executor = new ExecutorArtifact(File.ReadAllBytes(executorPath));
        var yaml = File.ReadAllText(Path.Combine("examples", "haz-fast", "v1.0.0.yaml"));
        var policy = PolicyValidator.Validate(yaml).Policy!;
        var created = DateTimeOffset.UnixEpoch;

        var cold = new List<double>();
        var warm = new List<double>();
        var layerOnly = new List<double>();
        for (var round = 0; round < 5; round++)
        {
            var builder = new PolicyImageBuilder();
            cold.Add(Timing.Of(() => builder.Build(policy, yaml, executor, created)));
            for (var i = 0; i < 50; i++)
            {
                var variant = yaml + $"\n# build {round}.{i}\n";
                warm.Add(Timing.Of(() => builder.Build(policy, variant, executor, created)));
                layerOnly.Add(Timing.Of(() => ReproducibleLayer.Build([new LayerFile(PolicyImageBuilder.PolicyPath, Encoding.UTF8.GetBytes(variant), UnixFileMode.UserRead)])));
            }
        }

        double Median(List<double> values) => Percentiles.Of([.. values.Order()], 50);
        Console.WriteLine($"executor {executor.Binary.Length / 1024.0 / 1024.0:F1} MiB; cold build p50 {Median(cold):F0} ms; warm build p50 {Median(warm):F2} ms; " +
            $"policy layer alone p50 {Median(layerOnly):F2} ms; warm / layer-alone {Median(warm) / Median(layerOnly):F2}");
        return Task.FromResult(0);
    }
}
