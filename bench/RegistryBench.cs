using Bpdp.Builder.Oci;
using Bpdp.Images;
using Bpdp.Images.Layout;

namespace Bpdp.Bench;

/// <summary>What the registry benchmarks share: the registry, the executor, the optional base image and the policy.</summary>
internal sealed record RegistryBench(string Registry, ExecutorArtifact Executor, OciImage? BaseImage, string PolicyYaml)
{
    /// <summary>Reads <c>--registry</c> (or <c>$BPDP_TEST_REGISTRY</c>), <c>--executor</c> and <c>--base</c>; null, said on stderr, when something is missing.</summary>
    public static async Task<RegistryBench?> From(string[] args, string benchmark)
    {
        var registry = BenchArgs.Option(args, "--registry") ?? Environment.GetEnvironmentVariable("BPDP_TEST_REGISTRY");
        var executorPath = BenchArgs.ExecutorPath(args);
        if (registry is null || !File.Exists(executorPath))
        {
            await Console.Error.WriteLineAsync($"{benchmark} needs --registry HOST:PORT (or $BPDP_TEST_REGISTRY) and the published executor (scripts/publish-executor.sh).");
            return null;
        }

        var baseLayout = BenchArgs.Option(args, "--base");
        return new RegistryBench(registry, await ExecutorArtifact.Load(executorPath), baseLayout is null ? null : await new OciLayout(baseLayout).Pull("latest"),
            await File.ReadAllTextAsync(Path.Combine("examples", "haz-fast", "v1.1.0.yaml")));
    }
}
