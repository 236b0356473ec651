using System.Text.Json.Nodes;
using Bpdp.Builder.Oci;
using Bpdp.Images;
using Bpdp.Policy;
using Bpdp.UnitTests.Policy;

namespace Bpdp.UnitTests.Builder;

/// <summary>The same approved artifact gives the same image, byte for byte; a changed policy changes only its layer and the config.</summary>
public sealed class PolicyImageBuilderTests
{
    private static readonly ExecutorArtifact Executor = new([.. Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7 % 251))]);
    private static readonly DateTimeOffset ApprovedAt = new(2026, 11, 27, 9, 15, 0, TimeSpan.Zero);

    private static OciImage Build(string version, PolicyImageBuilder? builder = null)
    {
        var yaml = PolicyExamples.HazFast(version);
        return (builder ?? new PolicyImageBuilder()).Build(PolicyValidator.Validate(yaml).Policy!, yaml, Executor, ApprovedAt);
    }

    [Fact]
    public void Building_the_same_artifact_twice_gives_byte_identical_manifests_configs_and_layers()
    {
        var first = Build("1.0.0");
        var second = Build("1.0.0");

        Assert.Equal(first.Digest, second.Digest);
        Assert.Equal(first.Manifest.Content, second.Manifest.Content);
        Assert.Equal(first.Config.Content, second.Config.Content);
        Assert.Equal(first.Layers.Select(l => l.Content), second.Layers.Select(l => l.Content));
    }

    [Fact]
    public void A_changed_policy_changes_only_the_policy_layer_the_config_and_the_manifest()
    {
        var v100 = Build("1.0.0");
        var v110 = Build("1.1.0");

        Assert.Equal(v100.Layers[0].Digest, v110.Layers[0].Digest);
        Assert.NotEqual(v100.Layers[1].Digest, v110.Layers[1].Digest);
        Assert.NotEqual(v100.Config.Digest, v110.Config.Digest);
        Assert.NotEqual(v100.Digest, v110.Digest);
    }

    [Fact]
    public void The_executor_layer_is_built_once_per_executor_and_reused()
    {
        var builder = new PolicyImageBuilder();

        var first = Build("1.0.0", builder);
        var second = Build("1.1.0", builder);

        Assert.Same(first.Layers[0], second.Layers[0]);
    }

    [Fact]
    public void The_image_runs_the_executor_as_a_non_root_user_and_names_the_policy()
    {
        var image = Build("1.1.0");
        var config = JsonNode.Parse(image.Config.Content)!;

        Assert.Equal("65532:65532", config["config"]!["User"]!.GetValue<string>());
        Assert.Equal(PolicyImageBuilder.ExecutorPath, config["config"]!["Entrypoint"]![0]!.GetValue<string>());
        Assert.Equal("2026-11-27T09:15:00Z", config["created"]!.GetValue<string>());
        Assert.Equal("1.1.0", image.Annotations["org.opencontainers.image.version"]!.GetValue<string>());
        Assert.Equal("osha", image.Annotations["org.opencontainers.image.vendor"]!.GetValue<string>());
        Assert.Equal(2, config["rootfs"]!["diff_ids"]!.AsArray().Count);
    }
}
