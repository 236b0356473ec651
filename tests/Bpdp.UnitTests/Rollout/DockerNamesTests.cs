using Bpdp.Contracts;
using Bpdp.Images.Registry;
using Bpdp.Rollout.Docker;
using Bpdp.Rollout.Targets;
using Docker.DotNet;

namespace Bpdp.UnitTests.Rollout;

/// <summary>How the Docker target names and finds a policy's containers, and what it refuses before asking the engine.</summary>
public sealed class DockerNamesTests
{
    private static readonly DeploymentTarget Target = new("OSHA", "Prod_East", "haz-fast", "1.1.0+build.7");

    [Fact]
    public void Names_are_what_Docker_accepts_and_unique_per_agency_environment_policy_and_color()
    {
        var names = new DockerNames(Target);

        Assert.Equal("bpdp_osha_prod-east_haz-fast_blue", names.Container(Color.Blue));
        Assert.Equal("bpdp_osha_prod-east_haz-fast_green", names.Container(Color.Green));
        Assert.Equal("bpdp_osha_prod-east", names.Network);
        Assert.Equal("haz-fast", names.LiveAlias);
    }

    [Fact]
    public void Parts_that_contain_dashes_never_run_into_each_other()
    {
        var one = new DockerNames(new DeploymentTarget("a-b", "c", "p", "1.0.0"));
        var other = new DockerNames(new DeploymentTarget("a", "b-c", "p", "1.0.0"));

        Assert.NotEqual(one.Network, other.Network);
        Assert.NotEqual(one.Container(Color.Blue), other.Container(Color.Blue));
    }

    [Fact]
    public void Labels_carry_the_deployment_and_the_selector_finds_only_this_policy()
    {
        var names = new DockerNames(Target);
        var command = new DeployGreen(Guid.NewGuid(), DateTimeOffset.UtcNow, Target, new ImageReference("registry.example/osha/haz-fast", "sha256:" + new string('a', 64)));

        var labels = names.Labels(Color.Green, command);

        Assert.Equal("green", labels[DockerNames.ColorLabel]);
        Assert.Equal(command.DeploymentId.ToString(), labels[DockerNames.DeploymentLabel]);
        Assert.Equal(command.Image.Digest, labels[DockerNames.DigestLabel]);
        Assert.Equal(["io.bpdp.agency=OSHA", "io.bpdp.environment=Prod_East", "io.bpdp.policy=haz-fast"], names.Selector().Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("release/osha/haz-fast")]
    [InlineData("haz-fast")]
    public async Task An_image_that_names_no_registry_is_refused_before_the_engine_is_asked(string repository)
    {
        using var client = new DockerClientConfiguration(new Uri("unix:///nonexistent/docker.sock")).CreateClient();
        var engine = new DockerEngine(client, "127.0.0.1", new RegistryOptions());

        var error = await Assert.ThrowsAsync<RolloutTargetException>(() => engine.Pull(new ImageReference(repository, "sha256:" + new string('b', 64)), CancellationToken.None));

        Assert.Contains("Images:Store=Registry", error.Message, StringComparison.Ordinal);
    }
}
