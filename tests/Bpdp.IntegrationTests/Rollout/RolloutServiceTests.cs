using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bpdp.Builder.Oci;
using Bpdp.Contracts;
using Bpdp.DataPlane;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Images.Registry;
using Bpdp.Pipeline.Traffic;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Platform.Bus.Identity;
using Bpdp.Policy;
using Bpdp.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.IntegrationTests.Rollout;

/// <summary>
/// The Rollout service as its own process (Docker.DotNet stays out of the test process) on the real Docker engine and
/// on the local target's data plane, with images the Builder's code made on the Debian base, pushed to the real
/// registry and signed there as the Publisher signs releases: deploy, cut over, roll back, and after that service is
/// restarted the containers and the live color are what the engine shows, and the new service carries on from them.
/// Killed with SIGKILL under users, neither target fails a request: the data plane serves on. An image without a
/// release signature is refused before the engine is asked anything.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class RolloutServiceTests(RealServers servers) : IAsyncLifetime
{
    private const string Environment = "production";
    private readonly string run = Guid.NewGuid().ToString("N")[..8];
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-docker-target-").FullName;
    private readonly MessageSink sink = new();
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ReleaseSigning release = new();
    private string Agency => $"dock-{run}";

    public sealed class ReadyProbe(MessageSink sink) : RecordingConsumer<GreenReady>(sink);

    public sealed class CutOverProbe(MessageSink sink) : RecordingConsumer<TrafficCutOver>(sink);

    public sealed class RolledBackProbe(MessageSink sink) : RecordingConsumer<RolledBack>(sink);

    public sealed class FailedProbe(MessageSink sink) : RecordingConsumer<DeploymentFailed>(sink);

    public sealed class RefusedProbe(MessageSink sink) : RecordingConsumer<MessageRefused>(sink);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        using (var plane = new DataPlaneClient(new DataPlaneFiles(Path.Combine(folder, "rollout", "dataplane")).Socket, TimeSpan.FromSeconds(30)))
        {
            if (await plane.Answers(CancellationToken.None))
            {
                await plane.StopAll(CancellationToken.None);
            }
        }

        http.Dispose();
        release.Dispose();
        Directory.Delete(folder, recursive: true);
        using var docker = DockerEngine.CreateHttpClient();
        foreach (var container in await Containers(docker))
        {
            await docker.DeleteAsync(new Uri($"/v1.41/containers/{container!["Id"]}?force=true", UriKind.Relative));
        }

        await docker.DeleteAsync(new Uri($"/v1.41/networks/bpdp_{Agency}_{Environment}", UriKind.Relative));
    }

    [Fact]
    public async Task Deploy_cut_over_and_roll_back_on_the_engine_and_a_restarted_service_carries_on_from_what_the_engine_shows()
    {
        await using var bed = await TwoReleases();
        var (probes, settings, v100, v110) = (bed.Probes, bed.Settings, bed.V100, bed.V110);
        using var docker = DockerEngine.CreateHttpClient();

        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var fourth = Guid.Empty;
        Uri live;
        await using (var rollout = await ServiceProcess.StartFromOwnOutput("services/Rollout", "Bpdp.Rollout.dll", FreeTcpPort.Next(), settings))
        {
            var blue = await Deploy(probes, first, "1.0.0", v100, rollout);
            Assert.Equal(Color.Blue, blue.Color);
            Assert.Equal("1.0.0", await Version(new Uri(blue.PreviewEndpoint)));
            live = new Uri((await CutOver(probes, first, "1.0.0", Color.Blue, rollout)).LiveEndpoint!);
            Assert.Equal("1.0.0", await Version(live));

            var green = await Deploy(probes, second, "1.1.0", v110, rollout);
            Assert.Equal(Color.Green, green.Color);
            Assert.Equal("1.1.0", await Version(new Uri(green.PreviewEndpoint)));
            Assert.Equal("1.0.0", await Version(live));
            var moved = await CutOver(probes, second, "1.1.0", Color.Green, rollout);
            Assert.Equal((Color.Green, Color.Blue), (moved.LiveColor, moved.PreviousColor));
            Assert.Equal("1.1.0", await Version(live));
        }

        var engine = await Containers(docker);
        Assert.Equal(["blue", "green"], engine.Select(c => c!["Labels"]!["io.bpdp.color"]!.GetValue<string>()).Order());
        Assert.All(engine, c => Assert.Equal("running", c!["State"]!.GetValue<string>()));
        Assert.Equal("green", await LiveColor(docker));

        await using (var restarted = await ServiceProcess.StartFromOwnOutput("services/Rollout", "Bpdp.Rollout.dll", FreeTcpPort.Next(), settings))
        {
            var redelivered = await CutOver(probes, second, "1.1.0", Color.Green, restarted, answers: 2);
            live = new Uri(redelivered.LiveEndpoint!);
            Assert.Equal("1.1.0", await Version(live));

            await probes.Services.GetRequiredService<IPublishEndpoint>().Publish(new RollBackDeployment(second, DateTimeOffset.UtcNow, Target("1.1.0"), "KPI breach"));
            var back = (await sink.WaitFor<RolledBack>(nameof(RolledBackProbe), m => m.DeploymentId == second, TimeSpan.FromSeconds(60))).Message;
            Assert.Equal(Color.Blue, back.LiveColor);
            Assert.Equal("1.0.0", await Version(live));

            // The next deployment's DeployGreen overtakes the previous one's finalize: its new color stays.
            var third = Guid.NewGuid();
            Assert.Equal(Color.Green, (await Deploy(probes, third, "1.1.0", v110, restarted)).Color);
            await CutOver(probes, third, "1.1.0", Color.Green, restarted);
            fourth = Guid.NewGuid();
            var overtaking = await Deploy(probes, fourth, "1.0.0", v100, restarted);
            await probes.Services.GetRequiredService<IPublishEndpoint>().Publish(new FinalizeDeployment(third, DateTimeOffset.UtcNow, Target("1.1.0")));
            await Logged(Eventually.Holds(async () => await Consumed(restarted, "FinalizeDeployment") >= 1, "the finalize was handled", TimeSpan.FromSeconds(60)), restarted);
            Assert.Equal(Color.Blue, overtaking.Color);
            Assert.Equal("1.0.0", await Version(new Uri(overtaking.PreviewEndpoint)));
            Assert.Equal("1.1.0", await Version(live));
        }

        var after = await Containers(docker);
        Assert.Equal(["blue", "green"], after.Select(c => c!["Labels"]!["io.bpdp.color"]!.GetValue<string>()).Order());
        Assert.Contains(after, c => c!["Labels"]!["io.bpdp.deployment-id"]!.GetValue<string>() == fourth.ToString());
        Assert.Equal("green", await LiveColor(docker));
        Assert.Empty(sink.ReceivedBy(nameof(FailedProbe)));
    }

    [Theory]
    [InlineData("Local")]
    [InlineData("Docker")]
    public async Task Killing_the_Rollout_under_users_fails_none_of_their_requests_and_the_restarted_one_carries_on_from_what_serves(string kind)
    {
        await using var bed = await TwoReleases();
        var (probes, settings, v100, v110) = (bed.Probes, bed.Settings, bed.V100, bed.V110);
        if (kind == "Local")
        {
            foreach (var key in settings.Keys.Where(k => k.StartsWith("Rollout:Targets:", StringComparison.Ordinal)).ToList())
            {
                settings.Remove(key);
            }
        }

        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var killed = await ServiceProcess.StartFromOwnOutput("services/Rollout", "Bpdp.Rollout.dll", FreeTcpPort.Next(), settings);
        await using (killed)
        {
            await Deploy(probes, first, "1.0.0", v100, killed);
            var live = new Uri((await CutOver(probes, first, "1.0.0", Color.Blue, killed)).LiveEndpoint!);
            await using var users = new SteadyLoad(live, perSecond: 20);
            users.Start();
            await Eventually.Holds(() => Task.FromResult(users.Sent >= 20), "users call the live service", TimeSpan.FromSeconds(30));

            using (var process = System.Diagnostics.Process.GetProcessById(killed.ProcessId))
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            var sentWhenKilled = users.Sent;
            await Eventually.Holds(() => Task.FromResult(users.Sent >= sentWhenKilled + 60), "users called the live service for 3 s with no Rollout", TimeSpan.FromSeconds(60));
            Assert.Equal(0, users.Failed);

            await using var restarted = await ServiceProcess.StartFromOwnOutput("services/Rollout", "Bpdp.Rollout.dll", FreeTcpPort.Next(), settings);
            var green = await Deploy(probes, second, "1.1.0", v110, restarted);
            Assert.Equal(Color.Green, green.Color);
            var moved = await CutOver(probes, second, "1.1.0", Color.Green, restarted);
            Assert.Equal((live, Color.Blue), (new Uri(moved.LiveEndpoint!), moved.PreviousColor));
            Assert.Equal("1.1.0", await Version(live));
            await probes.Services.GetRequiredService<IPublishEndpoint>().Publish(new FinalizeDeployment(second, DateTimeOffset.UtcNow, Target("1.1.0")));
            await Logged(Eventually.Holds(async () => await Serving(kind) == (1, 1), "the finalized deployment retired blue, and its process has exited", TimeSpan.FromSeconds(60)),
                restarted);

            await users.Stop();
            Assert.True(users.Sent >= sentWhenKilled + 60, $"users sent {users.Sent}");
            Assert.Equal(0, users.Failed);
            Assert.Equal((1, 1), await Serving(kind));
            Assert.Equal("1.1.0", await Version(live));

            // What bpdp status shows as serving: the restarted Rollout's reading of the target.
            var serving = (await probes.Services.GetRequiredService<IBus>()
                .CreateRequestClient<GetServing>(new Uri($"exchange:{StageQueues.ServingExchange(settings["Rollout:Queue"]!)}"))
                .GetResponse<ServingNow>(new GetServing(second, Target("1.1.0")))).Message;
            Assert.Equal((true, Color.Green, (string?)live.ToString()), (serving.Reported, serving.Live, serving.LiveEndpoint));
            Assert.Equal([(Color.Green, second.ToString())], serving.Colors!.Select(c => (c.Color, c.DeploymentId)));
        }
    }

    /// <summary>
    /// What serves the policy, and what the Rollout's side knows of: on the local target, the executor processes running
    /// from this test's images (one more than the data plane lists would be an orphan) and those the data plane lists; on
    /// Docker, the engine's running containers (twice).
    /// </summary>
    private async Task<(int Running, int Known)> Serving(string kind)
    {
        if (kind == "Docker")
        {
            using var docker = DockerEngine.CreateHttpClient();
            var running = (await Containers(docker)).Count(c => c!["State"]!.GetValue<string>() == "running");
            return (running, running);
        }

        var executors = Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "cmdline")).Count(cmdline =>
        {
            try
            {
                var program = File.ReadAllText(cmdline).Split('\0')[0];
                return program.StartsWith(folder, StringComparison.Ordinal) && program.EndsWith("/bpdp-executor", StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
        });
        using var plane = new DataPlaneClient(new DataPlaneFiles(Path.Combine(folder, "rollout", "dataplane")).Socket, TimeSpan.FromSeconds(30));
        return (executors, (await plane.Slots(CancellationToken.None)).Sum(s => s.Executors.Count));
    }

    [Fact]
    public async Task An_image_pushed_without_a_release_signature_is_refused_and_nothing_starts_while_the_signed_one_beside_it_goes_ready()
    {
        var rabbit = await servers.RabbitMq();
        var registry = await servers.Registry();
        var unsigned = await Push(registry, "1.0.1");
        var signed = await Signed(await Push(registry, "1.0.0"), registry);
        var queue = $"rollout-{run}";
        await using var cleanup = new QueueCleanup(rabbit, queue, $"{queue}-ready", $"{queue}-cutover", $"{queue}-rolledback", $"{queue}-failed", $"{queue}-refused");
        await using var probes = await Probes(rabbit, queue);
        using var docker = DockerEngine.CreateHttpClient();
        await using var rollout = await ServiceProcess.StartFromOwnOutput("services/Rollout", "Bpdp.Rollout.dll", FreeTcpPort.Next(), Settings(rabbit, registry, queue));

        var refusedId = Guid.NewGuid();
        await probes.Services.GetRequiredService<IPublishEndpoint>().Publish(new DeployGreen(refusedId, DateTimeOffset.UtcNow, Target("1.0.1"), unsigned));
        var failed = sink.WaitFor<DeploymentFailed>(nameof(FailedProbe), m => m.DeploymentId == refusedId, TimeSpan.FromSeconds(60));
        await Logged(failed, rollout);
        var refused = (await sink.WaitFor<MessageRefused>(nameof(RefusedProbe), m => m.DeploymentId == refusedId, TimeSpan.FromSeconds(60))).Message;

        var detail = $"release signature: no signature tag sha256-{unsigned.Digest[7..]}.sig in {unsigned.Repository}: only images the Publisher released and signed are deployed";
        Assert.Equal((PipelineStage.Rollout, $"{unsigned} was not deployed: {detail}"), ((await failed).Message.Stage, (await failed).Message.Reason));
        Assert.Equal((PipelineStage.Rollout, "DeployGreen", RefusalReason.MissingSignature, detail), (refused.Stage, refused.MessageType, refused.Reason, refused.Detail));
        Assert.Empty(await Containers(docker));
        Assert.False(await EngineHas(docker, unsigned));

        var readyId = Guid.NewGuid();
        var ready = await Deploy(probes, readyId, "1.0.0", signed, rollout);
        Assert.Equal("1.0.0", await Version(new Uri(ready.PreviewEndpoint)));
        Assert.Equal([signed.Digest], (await Containers(docker)).Select(c => c!["Labels"]!["io.bpdp.digest"]!.GetValue<string>()));
        Assert.False(await EngineHas(docker, unsigned));
        Assert.Single(sink.ReceivedBy(nameof(RefusedProbe)));
        Assert.Single(sink.ReceivedBy(nameof(FailedProbe)));
    }

    /// <summary>Releases 1.0.0 and 1.1.0 signed in the real registry, the Rollout's settings, and probes of its answers on queues of this run.</summary>
    private sealed record Bed(WebApplication Probes, Dictionary<string, string?> Settings, ImageReference V100, ImageReference V110, QueueCleanup Cleanup) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Probes.DisposeAsync();
            await Cleanup.DisposeAsync();
        }
    }

    private async Task<Bed> TwoReleases()
    {
        var rabbit = await servers.RabbitMq();
        var registry = await servers.Registry();
        var v100 = await Signed(await Push(registry, "1.0.0"), registry);
        var v110 = await Signed(await Push(registry, "1.1.0"), registry);
        var queue = $"rollout-{run}";
        var cleanup = new QueueCleanup(rabbit, queue, $"{queue}-ready", $"{queue}-cutover", $"{queue}-rolledback", $"{queue}-failed", $"{queue}-refused");
        return new Bed(await Probes(rabbit, queue), Settings(rabbit, registry, queue), v100, v110, cleanup);
    }

    private async Task<WebApplication> Probes(RabbitMqServer rabbit, string queue)
    {
        var probes = TestHost.Build(rabbit.ServiceSettings(), bus =>
        {
            bus.AddConsumer<ReadyProbe>().Endpoint(e => e.Name = $"{queue}-ready");
            bus.AddConsumer<CutOverProbe>().Endpoint(e => e.Name = $"{queue}-cutover");
            bus.AddConsumer<RolledBackProbe>().Endpoint(e => e.Name = $"{queue}-rolledback");
            bus.AddConsumer<FailedProbe>().Endpoint(e => e.Name = $"{queue}-failed");
            bus.AddConsumer<RefusedProbe>().Endpoint(e => e.Name = $"{queue}-refused");
        }, sink);
        await probes.StartAsync();
        return probes;
    }

    private Dictionary<string, string?> Settings(RabbitMqServer rabbit, string registry, string queue) => new([.. rabbit.ServiceSettings(), .. release.RolloutSettings(folder)])
    {
        ["Rollout:Queue"] = queue,
        ["Rollout:WorkDirectory"] = Path.Combine(folder, "rollout"),
        ["Rollout:Runner"] = "Process",
        ["Rollout:ScaleDownDelaySeconds"] = "0",
        ["Rollout:ProgressDeadlineSeconds"] = "60",
        ["Rollout:Targets:0:Agency"] = Agency,
        ["Rollout:Targets:0:Environment"] = Environment,
        ["Rollout:Targets:0:Kind"] = "Docker",
        ["Rollout:Targets:0:DockerHost"] = DockerEngine.Endpoint.ToString(),
        ["Images:Store"] = "Registry",
        ["Registry:Url"] = $"http://{registry}",
    };

    /// <summary>The image signed in the registry as the Publisher signs a release.</summary>
    private Task<ImageReference> Signed(ImageReference image, string registry) => release.Sign(Store(registry), image);

    private static RegistryImageStore Store(string registry) =>
        ImageStoreRegistration.CreateRegistryStore(new RegistryOptions { Url = new Uri($"http://{registry}") }, NullLogger<RegistryImageStore>.Instance);

    /// <summary>Whether the engine holds the image at all, pulled or run.</summary>
    private static async Task<bool> EngineHas(HttpClient docker, ImageReference image)
    {
        using var response = await docker.GetAsync(new Uri($"/v1.41/images/{image}/json", UriKind.Relative));
        return response.IsSuccessStatusCode;
    }

    private DeploymentTarget Target(string version) => new(Agency, Environment, "haz-fast", version);

    private async Task<GreenReady> Deploy(WebApplication probes, Guid id, string version, ImageReference image, ServiceProcess rollout)
    {
        // Released for this deployment, as the Publisher releases it: the Rollout deploys an image only as the deployment its approval names.
        await release.Release(Store(image.Repository.Split('/')[0]), image, Target(version), id);
        await probes.Services.GetRequiredService<IPublishEndpoint>().Publish(new DeployGreen(id, DateTimeOffset.UtcNow, Target(version), image));
        var ready = sink.WaitFor<GreenReady>(nameof(ReadyProbe), m => m.DeploymentId == id, TimeSpan.FromSeconds(120));
        await Logged(ready, rollout);
        return (await ready).Message;
    }

    private async Task<TrafficCutOver> CutOver(WebApplication probes, Guid id, string version, Color color, ServiceProcess rollout, int answers = 1)
    {
        await probes.Services.GetRequiredService<IPublishEndpoint>().Publish(new CutOverTraffic(id, DateTimeOffset.UtcNow, Target(version), color));
        await Logged(Eventually.Holds(() => Task.FromResult(sink.ReceivedBy(nameof(CutOverProbe)).OfType<ConsumeContext<TrafficCutOver>>().Count(c => c.Message.DeploymentId == id) >= answers),
            $"the cutover of {id} was answered", TimeSpan.FromSeconds(60)), rollout);
        return sink.ReceivedBy(nameof(CutOverProbe)).OfType<ConsumeContext<TrafficCutOver>>().Last(c => c.Message.DeploymentId == id).Message;
    }

    /// <summary>A wait that, when it times out, says what the Rollout service and the failure probe saw.</summary>
    private async Task Logged(Task wait, ServiceProcess rollout)
    {
        try
        {
            await wait;
        }
        catch (TimeoutException timeout)
        {
            var failed = sink.ReceivedBy(nameof(FailedProbe)).OfType<ConsumeContext<DeploymentFailed>>().Select(c => c.Message.Reason);
            throw new TimeoutException($"{timeout.Message}\nfailed: {string.Join("; ", failed)}\n{rollout.Log}", timeout);
        }
    }

    /// <summary>How many messages of a type the service consumed successfully, from its own metrics.</summary>
    private static async Task<double> Consumed(ServiceProcess service, string message)
    {
        using var client = new HttpClient { BaseAddress = service.HttpAddress };
        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return metrics.Split('\n')
            .Where(l => l.StartsWith("bpdp_messages_consumed_total{", StringComparison.Ordinal) && l.Contains($"message=\"{message}\"", StringComparison.Ordinal)
                && l.Contains("outcome=\"ok\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<string> Version(Uri endpoint) => (await http.GetFromJsonAsync<JsonObject>(new Uri(endpoint, "v1/policy")))!["version"]!.GetValue<string>();

    private async Task<ImageReference> Push(string registry, string version)
    {
        var store = Store(registry);
        var yaml = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", $"v{version}.yaml"));
        var policy = PolicyValidator.Validate(yaml).Policy!;
        var baseImage = await new OciLayout(BaseImageLayout.Path).Pull("latest");
        var image = new PolicyImageBuilder().Build(policy, yaml, await ExecutorArtifact.Load(PublishedExecutor.Path), DateTimeOffset.UnixEpoch, baseImage);
        var repository = $"{Agency}/haz-fast";
        await store.PushImage(repository, image, version);
        return new ImageReference(store.Qualify(repository), image.Digest);
    }

    private async Task<JsonArray> Containers(HttpClient docker)
    {
        var filters = Uri.EscapeDataString($$"""{"label":["io.bpdp.agency={{Agency}}"]}""");
        return JsonNode.Parse(await docker.GetStringAsync(new Uri($"/v1.41/containers/json?all=true&filters={filters}", UriKind.Relative)))!.AsArray();
    }

    /// <summary>The color of the container the engine shows holding the policy's alias on the environment's network.</summary>
    private async Task<string?> LiveColor(HttpClient docker)
    {
        string? live = null;
        foreach (var container in await Containers(docker))
        {
            var inspected = JsonNode.Parse(await docker.GetStringAsync(new Uri($"/v1.41/containers/{container!["Id"]}/json", UriKind.Relative)))!;
            var aliases = inspected["NetworkSettings"]!["Networks"]![$"bpdp_{Agency}_{Environment}"]?["Aliases"]?.AsArray().Select(a => a!.GetValue<string>()) ?? [];
            if (aliases.Contains("haz-fast"))
            {
                Assert.Null(live);
                live = inspected["Config"]!["Labels"]!["io.bpdp.color"]!.GetValue<string>();
            }
        }

        return live;
    }
}
