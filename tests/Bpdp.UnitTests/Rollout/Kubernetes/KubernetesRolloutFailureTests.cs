using Bpdp.Contracts;

namespace Bpdp.UnitTests.Rollout.Kubernetes;

/// <summary>What the Kubernetes target reports as DeploymentFailed: a progress deadline passed, or a target it cannot reach.</summary>
public sealed class KubernetesRolloutFailureTests
{
    [Fact]
    public async Task A_deployment_the_cluster_reports_past_its_progress_deadline_fails_with_the_condition()
    {
        await using var rollout = await KubernetesRollout.Start(new Dictionary<string, string?> { ["Rollout:ProgressDeadlineSeconds"] = "5" });
        rollout.Cluster.Controller.DeadlineSecond = TimeSpan.FromMilliseconds(40);
        rollout.Cluster.Controller.NeverReady("haz-fast-blue");
        var id = Guid.NewGuid();

        await rollout.SendDeploy(id, "1.0.0");
        var failed = await rollout.Failed(id);

        Assert.Equal(PipelineStage.Rollout, failed.Stage);
        Assert.Contains("haz-fast-blue did not become ready within the progress deadline of 5 s", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("ProgressDeadlineExceeded", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("has timed out progressing", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(rollout.Sink.ReceivedBy(nameof(KubernetesRollout.ReadyProbe)));
    }

    [Fact]
    public async Task A_deployment_still_unready_when_the_deadline_passes_on_our_own_clock_fails_even_if_the_cluster_says_nothing()
    {
        await using var rollout = await KubernetesRollout.Start(new Dictionary<string, string?> { ["Rollout:ProgressDeadlineSeconds"] = "1" });
        rollout.Cluster.Controller.ReportsDeadline = false;
        rollout.Cluster.Controller.NeverReady("haz-fast-blue");
        var id = Guid.NewGuid();

        await rollout.SendDeploy(id, "1.0.0");
        var failed = await rollout.Failed(id);

        Assert.Contains("haz-fast-blue did not become ready within the progress deadline of 1 s", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("0 of 1 replicas ready", failed.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("ProgressDeadlineExceeded", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agency_environment_missing_from_the_targets_fails_naming_the_entry_to_add()
    {
        await using var rollout = await KubernetesRollout.Start();
        var id = Guid.NewGuid();

        await rollout.Send(new DeployGreen(id, DateTimeOffset.UtcNow, KubernetesRollout.HazFast with { Environment = "staging" }, KubernetesRollout.Image("1.0.0")));
        var failed = await rollout.Failed(id);

        Assert.Contains("agency 'osha', environment 'staging'", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("Rollout:Targets", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(rollout.Cluster.Requests);
    }

    [Fact]
    public async Task An_unsigned_image_fails_naming_the_missing_signature_and_the_cluster_is_never_asked()
    {
        await using var rollout = await KubernetesRollout.Start();
        var id = Guid.NewGuid();
        var image = KubernetesRollout.Image("1.0.0");

        await rollout.Send(new DeployGreen(id, DateTimeOffset.UtcNow, KubernetesRollout.Version("1.0.0"), image));
        var failed = await rollout.Failed(id);

        Assert.Equal($"{image} was not deployed: release signature: no signature tag sha256-{image.Digest[7..]}.sig in {image.Repository}: " +
            "only images the Publisher released and signed are deployed", failed.Reason);
        Assert.Empty(rollout.Cluster.Requests);
    }

    [Fact]
    public async Task An_image_of_another_registry_is_refused_and_the_cluster_is_never_asked()
    {
        await using var rollout = await KubernetesRollout.Start();
        var id = Guid.NewGuid();
        var image = KubernetesRollout.Image("1.0.0") with { Repository = "ghcr.io/osha/haz-fast" };

        await rollout.Send(new DeployGreen(id, DateTimeOffset.UtcNow, KubernetesRollout.Version("1.0.0"), image));
        var failed = await rollout.Failed(id);

        Assert.Equal($"{image} was not deployed: release registry: the Kubernetes target of osha/production would pull {image} from ghcr.io, " +
            $"but releases come only from {KubernetesRollout.Registry} (Registry:Url)", failed.Reason);
        Assert.Empty(rollout.Cluster.Requests);
    }

    [Fact]
    public async Task A_kubeconfig_file_that_does_not_exist_fails_saying_so()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"bpdp-missing-{Guid.NewGuid():N}", "kubeconfig");
        await using var rollout = await KubernetesRollout.Start(new Dictionary<string, string?> { ["Rollout:Targets:0:Kubeconfig"] = missing });
        var id = Guid.NewGuid();

        await rollout.SendDeploy(id, "1.0.0");
        var failed = await rollout.Failed(id);

        Assert.Contains($"the kubeconfig file '{missing}' of the Kubernetes target osha/production does not exist", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kubeconfig_without_the_configured_context_fails_naming_the_context()
    {
        await using var rollout = await KubernetesRollout.Start(new Dictionary<string, string?> { ["Rollout:Targets:0:Context"] = "epa-production" });
        var id = Guid.NewGuid();

        await rollout.SendDeploy(id, "1.0.0");
        var failed = await rollout.Failed(id);

        Assert.Contains("cannot be used with context 'epa-production'", failed.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("haz-fast-preview", "ends in '-preview', which names an object of policy 'haz-fast'")]
    [InlineData("haz-fast-blue", "ends in '-blue', which names an object of policy 'haz-fast'")]
    [InlineData("9lives", "start with a letter")]
    [InlineData("a2345678901234567890123456789012345678901234567890123456", "1 to 55 lowercase letters")]
    public async Task A_policy_name_that_cannot_name_its_objects_fails_before_the_cluster_is_asked(string name, string expected)
    {
        await using var rollout = await KubernetesRollout.Start();
        var id = Guid.NewGuid();
        var target = KubernetesRollout.HazFast with { PolicyName = name };

        await rollout.Send(new DeployGreen(id, DateTimeOffset.UtcNow, target, await rollout.Released(target, id)));
        var failed = await rollout.Failed(id);

        Assert.Contains(expected, failed.Reason, StringComparison.Ordinal);
        Assert.Empty(rollout.Cluster.Requests);
    }

    [Fact]
    public void A_name_of_55_characters_fits_every_object_and_56_does_not()
    {
        var longest = new string('a', 55);

        var objects = new Bpdp.Rollout.Kubernetes.PolicyObjects(longest, "osha-production");

        Assert.Equal(63, objects.PreviewService.Length);
        Assert.Throws<Bpdp.Rollout.Targets.RolloutTargetException>(() => new Bpdp.Rollout.Kubernetes.PolicyObjects(longest + "a", "osha-production"));
        Assert.Throws<Bpdp.Rollout.Targets.RolloutTargetException>(() => new Bpdp.Rollout.Kubernetes.PolicyObjects("haz-fast", "Osha_Production"));
    }
}
