namespace Bpdp.Bench.Scale;

/// <summary>
/// The rulebooks the targets deploy: <c>haz-fast</c> owned by each agency in turn (so every agency's image is its
/// own, and an agency's environments share theirs), with one replica and a lighter smoke traffic than the example's
/// 20 requests a second (on two cores, 60 targets' smoke traffic at 20 a second would be the only thing measured),
/// rolled back rather than paused when a gate is inconclusive: nobody is there to decide during a benchmark.
/// </summary>
internal sealed class ScaleArtifacts(string examples, int smokePerSecond)
{
    private readonly string healthy = File.ReadAllText(Path.Combine(examples, "v1.1.0.yaml"));
    private readonly string first = File.ReadAllText(Path.Combine(examples, "v1.0.0.yaml"));

    /// <summary>Divides by the workforce, which smoke traffic sets to zero: its pre-promotion gate fails and it is rolled back.</summary>
    private readonly string faulty = File.ReadAllText(Path.Combine(examples, "v1.0.1.yaml"));

    /// <summary>The <paramref name="index"/>th deployment (0 first) of a target of <paramref name="agency"/>: 1.0.0, then 1.1.1, 1.1.2, …, or the faulty 1.0.1.</summary>
    public (string Version, string Yaml) For(string agency, int index, bool isFaulty)
    {
        var (version, yaml) = isFaulty ? ("1.0.1", faulty) : index == 0 ? ("1.0.0", first) : ($"1.1.{index}", healthy.Replace("version: 1.1.0", $"version: 1.1.{index}", StringComparison.Ordinal));
        return (version, yaml
            .Replace("agency: osha", $"agency: {agency}", StringComparison.Ordinal)
            .Replace("replicas: 2", "replicas: 1", StringComparison.Ordinal)
            .Replace("    inconclusiveLimit: 1\n", "    inconclusiveLimit: 1\n    onInconclusive: rollback\n", StringComparison.Ordinal)
            .Replace("smokeTrafficPerSecond: 20", $"smokeTrafficPerSecond: {smokePerSecond}", StringComparison.Ordinal));
    }
}
