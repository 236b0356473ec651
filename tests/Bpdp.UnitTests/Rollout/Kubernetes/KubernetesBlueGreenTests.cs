using Bpdp.Contracts;
using Bpdp.Testing;

namespace Bpdp.UnitTests.Rollout.Kubernetes;

/// <summary>Blue-green on the Kubernetes target, judged by the events and by the writes the API server received, in order.</summary>
public sealed class KubernetesBlueGreenTests : IAsyncLifetime
{
    private const string Ns = KubernetesRollout.Namespace;
    private KubernetesRollout rollout = null!;

    public async Task InitializeAsync() => rollout = await KubernetesRollout.Start();

    public async Task DisposeAsync() => await rollout.DisposeAsync();

    [Fact]
    public async Task Two_versions_go_blue_then_green_with_exactly_these_writes_and_the_old_color_is_retired()
    {
        var first = Guid.NewGuid();
        var blue = await rollout.Deploy(first, "1.0.0");
        Assert.Equal((Color.Blue, 1), (blue.Color, blue.ReadyReplicas));
        Assert.Equal("http://haz-fast-preview.osha-production.svc.cluster.local/", blue.PreviewEndpoint);
        var live = await rollout.CutOver(first, "1.0.0", Color.Blue);
        Assert.Equal("http://haz-fast.osha-production.svc.cluster.local/", live.LiveEndpoint);
        Assert.Equal("blue", rollout.LiveColor);
        await rollout.Finalize(first, "1.0.0");
        Assert.Equal(
            ["POST deployments/haz-fast-blue", "POST services/haz-fast-preview", "POST services/haz-fast", "DELETE services/haz-fast-preview"],
            rollout.Writes());

        var second = Guid.NewGuid();
        var written = rollout.Cluster.Writes.Count;
        var green = await rollout.Deploy(second, "1.1.0");
        Assert.Equal(Color.Green, green.Color);
        var moved = await rollout.CutOver(second, "1.1.0", Color.Green);
        Assert.Equal((Color.Green, Color.Blue), (moved.LiveColor, moved.PreviousColor));
        await rollout.Finalize(second, "1.1.0");

        Assert.Equal(
            ["POST deployments/haz-fast-green", "POST services/haz-fast-preview", "PATCH services/haz-fast", "DELETE services/haz-fast-preview", "DELETE deployments/haz-fast-blue"],
            rollout.Writes(written));
        Assert.Equal("green", rollout.LiveColor);
        Assert.Null(rollout.Cluster.Deployment(Ns, "haz-fast-blue"));
        Assert.Null(rollout.Cluster.Service(Ns, "haz-fast-preview"));
    }

    [Fact]
    public async Task The_new_color_runs_the_image_by_digest_labelled_with_its_deployment_locked_down_and_with_the_progress_deadline()
    {
        var id = Guid.NewGuid();
        await rollout.Deploy(id, "1.0.0");

        var deployment = rollout.Cluster.Deployment(Ns, "haz-fast-blue")!;
        var labels = deployment["metadata"]!["labels"]!;
        Assert.Equal(id.ToString(), labels["bpdp.io/deployment-id"]!.GetValue<string>());
        Assert.Equal(("haz-fast", "blue", "1.0.0", "osha", "production"), (labels["app.kubernetes.io/name"]!.GetValue<string>(), labels["bpdp.io/color"]!.GetValue<string>(),
            labels["bpdp.io/version"]!.GetValue<string>(), labels["bpdp.io/agency"]!.GetValue<string>(), labels["bpdp.io/environment"]!.GetValue<string>()));
        Assert.Equal("""{"app.kubernetes.io/name":"haz-fast","bpdp.io/color":"blue"}""", deployment["spec"]!["selector"]!["matchLabels"]!.ToJsonString());
        Assert.Equal(600, deployment["spec"]!["progressDeadlineSeconds"]!.GetValue<int>());
        var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal(KubernetesRollout.Image("1.0.0").ToString(), container["image"]!.GetValue<string>());
        Assert.Contains("@sha256:", container["image"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("/readyz", container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal("""{"name":"BPDP_COLOR","value":"blue"}""", container["env"]![0]!.ToJsonString());
        var security = container["securityContext"]!;
        Assert.True(security["readOnlyRootFilesystem"]!.GetValue<bool>());
        Assert.False(security["allowPrivilegeEscalation"]!.GetValue<bool>());
        Assert.Equal("""["ALL"]""", security["capabilities"]!["drop"]!.ToJsonString());
        Assert.Equal("""{"app.kubernetes.io/name":"haz-fast","bpdp.io/color":"blue"}""", rollout.Cluster.Service(Ns, "haz-fast-preview")!["spec"]!["selector"]!.ToJsonString());
    }

    [Fact]
    public async Task Rolling_back_after_cutover_moves_live_traffic_back_to_blue_and_removes_green()
    {
        await rollout.Live("1.0.0");
        var second = Guid.NewGuid();
        await rollout.Deploy(second, "1.1.0");
        await rollout.CutOver(second, "1.1.0", Color.Green);
        var written = rollout.Cluster.Writes.Count;

        var back = await rollout.RollBack(second, "1.1.0");

        Assert.Equal(Color.Blue, back.LiveColor);
        Assert.Equal(["PATCH services/haz-fast", "DELETE services/haz-fast-preview", "DELETE deployments/haz-fast-green"], rollout.Writes(written));
        Assert.Equal("blue", rollout.LiveColor);
        Assert.Null(rollout.Cluster.Deployment(Ns, "haz-fast-green"));
        Assert.NotNull(rollout.Cluster.Deployment(Ns, "haz-fast-blue"));
    }

    [Fact]
    public async Task Rolling_back_before_cutover_leaves_the_live_selector_unwritten()
    {
        await rollout.Live("1.0.0");
        var second = Guid.NewGuid();
        await rollout.Deploy(second, "1.1.0");
        var written = rollout.Cluster.Writes.Count;

        var back = await rollout.RollBack(second, "1.1.0");

        Assert.Equal(Color.Blue, back.LiveColor);
        Assert.Equal(["DELETE services/haz-fast-preview", "DELETE deployments/haz-fast-green"], rollout.Writes(written));
        Assert.Equal("blue", rollout.LiveColor);
    }

    [Fact]
    public async Task Rolling_back_a_first_deployment_after_cutover_leaves_nothing_serving()
    {
        var id = Guid.NewGuid();
        await rollout.Deploy(id, "1.0.0");
        await rollout.CutOver(id, "1.0.0", Color.Blue);
        var written = rollout.Cluster.Writes.Count;

        await rollout.RollBack(id, "1.0.0");

        Assert.Equal(["DELETE services/haz-fast", "DELETE services/haz-fast-preview", "DELETE deployments/haz-fast-blue"], rollout.Writes(written));
        Assert.Null(rollout.Cluster.Service(Ns, "haz-fast"));
    }

    [Fact]
    public async Task A_redelivered_cutover_patches_the_selector_once()
    {
        await rollout.Live("1.0.0");
        var second = Guid.NewGuid();
        await rollout.Deploy(second, "1.1.0");
        var written = rollout.Cluster.Writes.Count;

        await rollout.CutOver(second, "1.1.0", Color.Green);
        await rollout.Send(new CutOverTraffic(second, DateTimeOffset.UtcNow, KubernetesRollout.Version("1.1.0"), Color.Green));
        await Eventually.Holds(() => Task.FromResult(rollout.Sink.ReceivedBy(nameof(KubernetesRollout.CutOverProbe)).Count == 2), "the redelivered cutover was answered");

        Assert.Equal(["PATCH services/haz-fast"], rollout.Writes(written));
        Assert.Equal("green", rollout.LiveColor);
    }

    [Fact]
    public async Task A_conflict_on_the_selector_patch_is_read_again_and_retried()
    {
        await rollout.Live("1.0.0");
        var second = Guid.NewGuid();
        await rollout.Deploy(second, "1.1.0");
        var written = rollout.Cluster.Writes.Count;
        rollout.Cluster.AnswerNext(r => r.Summary == "PATCH services/haz-fast", 409);

        var moved = await rollout.CutOver(second, "1.1.0", Color.Green);

        Assert.Equal(Color.Green, moved.LiveColor);
        Assert.Equal([409, 200], rollout.Cluster.Writes.Skip(written).Select(w => w.StatusCode));
        Assert.Equal(["PATCH services/haz-fast", "PATCH services/haz-fast"], rollout.Writes(written));
        var patch = rollout.Cluster.Writes[^1];
        Assert.StartsWith("application/merge-patch+json", patch.ContentType, StringComparison.Ordinal);
        Assert.NotNull(patch.Json()!["metadata"]!["resourceVersion"]);
        Assert.Equal("green", rollout.LiveColor);
    }

    [Fact]
    public async Task A_watch_the_server_closes_is_opened_again_and_readiness_still_arrives()
    {
        rollout.Cluster.CloseNextWatch();
        rollout.Cluster.CloseNextWatch();

        var ready = await rollout.Deploy(Guid.NewGuid(), "1.0.0");

        Assert.Equal(Color.Blue, ready.Color);
        // One DeployGreen handled it all: a closed watch is not an error that MassTransit had to retry.
        var watches = rollout.Cluster.Requests.Where(r => r.IsWatch).ToList();
        Assert.True(watches.Count >= 3, $"expected the watch to be opened three times or more, saw {watches.Count}");
        Assert.All(watches, w => Assert.Contains("fieldSelector=metadata.name%3Dhaz-fast-blue", w.Query, StringComparison.Ordinal));
        Assert.Single(rollout.Cluster.Requests, r => r.Method == "GET" && r.Path.EndsWith("/services/haz-fast", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_watch_answered_410_Gone_reads_the_deployment_again_and_readiness_still_arrives()
    {
        rollout.Cluster.ExpireNextWatch();

        var ready = await rollout.Deploy(Guid.NewGuid(), "1.0.0");

        Assert.Equal(Color.Blue, ready.Color);
        var reads = rollout.Cluster.Requests.Where(r => r.Method == "GET" && !r.IsWatch && r.Path.EndsWith("/deployments/haz-fast-blue", StringComparison.Ordinal)).ToList();
        Assert.True(reads.Count >= 2, $"after the expired watch the Deployment is read again; it was read {reads.Count} time(s)");
        var watches = rollout.Cluster.Requests.Where(r => r.IsWatch).ToList();
        Assert.True(watches.Count >= 2, $"a new watch follows the expired one; saw {watches.Count}");
    }

    [Fact]
    public async Task A_finalize_overtaken_by_the_next_deployment_keeps_its_color_and_preview()
    {
        await rollout.Live("1.0.0");
        var second = Guid.NewGuid();
        await rollout.Deploy(second, "1.1.0");
        await rollout.CutOver(second, "1.1.0", Color.Green);
        var third = Guid.NewGuid();
        var next = await rollout.Deploy(third, "1.2.0");

        var written = rollout.Cluster.Writes.Count;
        await rollout.Finalize(second, "1.1.0");

        Assert.Equal(Color.Blue, next.Color);
        Assert.Empty(rollout.Writes(written));
        Assert.Equal(third.ToString(), rollout.Cluster.Deployment(Ns, "haz-fast-blue")!["metadata"]!["labels"]!["bpdp.io/deployment-id"]!.GetValue<string>());
        Assert.Equal("blue", rollout.Cluster.Service(Ns, "haz-fast-preview")!["spec"]!["selector"]!["bpdp.io/color"]!.GetValue<string>());
    }
}
