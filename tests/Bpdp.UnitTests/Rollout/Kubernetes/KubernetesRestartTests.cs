using Bpdp.Contracts;
using Bpdp.Testing;

namespace Bpdp.UnitTests.Rollout.Kubernetes;

/// <summary>A Rollout service restarted mid-rollout carries on from what the cluster holds, with nothing in memory.</summary>
public sealed class KubernetesRestartTests : IAsyncLifetime
{
    private KubernetesRollout rollout = null!;

    public async Task InitializeAsync() => rollout = await KubernetesRollout.Start();

    public async Task DisposeAsync() => await rollout.DisposeAsync();

    [Fact]
    public async Task A_new_service_waits_for_the_green_the_old_one_created_and_cuts_over_from_the_live_color_in_the_cluster()
    {
        await rollout.Live("1.0.0");
        var second = Guid.NewGuid();
        rollout.Cluster.Controller.Pause();
        await rollout.SendDeploy(second, "1.1.0");
        await Eventually.Holds(() => Task.FromResult(rollout.Cluster.Requests.Any(r => r.IsWatch && r.Query.Contains("haz-fast-green", StringComparison.Ordinal))), "the first service watches green");

        await rollout.Restart();
        var written = rollout.Cluster.Writes.Count;
        await rollout.SendDeploy(second, "1.1.0");
        await Eventually.Holds(() => Task.FromResult(rollout.Cluster.Requests.Count(r => r.IsWatch && r.Query.Contains("haz-fast-green", StringComparison.Ordinal)) >= 2),
            "the new service watches green");
        Assert.Null(rollout.Cluster.Deployment(KubernetesRollout.Namespace, "haz-fast-green")!["status"]!["readyReplicas"]);
        rollout.Cluster.Controller.Resume();
        var green = (await rollout.Sink.WaitFor<GreenReady>(nameof(KubernetesRollout.ReadyProbe), m => m.DeploymentId == second)).Message;

        Assert.Equal(Color.Green, green.Color);
        Assert.Empty(rollout.Writes(written));
        Assert.Single(rollout.Writes(), w => w == "POST deployments/haz-fast-green");

        await rollout.Restart();
        var moved = await rollout.CutOver(second, "1.1.0", Color.Green);

        Assert.Equal((Color.Green, Color.Blue), (moved.LiveColor, moved.PreviousColor));
        Assert.Equal(["PATCH services/haz-fast"], rollout.Writes(written));
        Assert.Equal("green", rollout.LiveColor);
    }
}
