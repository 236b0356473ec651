using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bpdp.Builder.Oci;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Policy;
using Bpdp.Rollout;
using Bpdp.Testing;
using Bpdp.UnitTests.Policy;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.UnitTests.Rollout;

/// <summary>Blue-green on the local target (executors in process, images from OCI layouts): deploy, preview, cut over under load, roll back.</summary>
public sealed class LocalTargetTests : IAsyncLifetime
{
    private static readonly DeploymentTarget V100 = new("osha", "production", "haz-fast", "1.0.0");
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-rollout-").FullName;
    private readonly MessageSink sink = new();
    private readonly HttpClient http = new();
    private readonly ReleaseSigning release = new();
    private WebApplication? host;

    public sealed class ReadyProbe(MessageSink sink) : RecordingConsumer<GreenReady>(sink);

    public sealed class CutOverProbe(MessageSink sink) : RecordingConsumer<TrafficCutOver>(sink);

    public sealed class RolledBackProbe(MessageSink sink) : RecordingConsumer<RolledBack>(sink);

    public async Task InitializeAsync()
    {
        host = TestHost.Build(new Dictionary<string, string?>(release.RolloutSettings(folder))
        {
            ["Bus:Transport"] = "InMemory",
            ["Images:Store"] = "Layout",
            ["Images:LayoutRoot"] = Path.Combine(folder, "images"),
            ["Rollout:Runner"] = "InProcess",
            ["Rollout:WorkDirectory"] = Path.Combine(folder, "rollout"),
            ["Rollout:ScaleDownDelaySeconds"] = "0",
        }, bus =>
        {
            bus.AddRolloutStage();
            bus.AddConsumer<ReadyProbe>();
            bus.AddConsumer<CutOverProbe>();
            bus.AddConsumer<RolledBackProbe>();
        }, sink);
        await host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        release.Dispose();
        await host!.StopAsync();
        await host.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    private async Task<ImageReference> Image(string version, Guid deploymentId)
    {
        var yaml = PolicyExamples.HazFast(version);
        var image = new PolicyImageBuilder().Build(PolicyValidator.Validate(yaml).Policy!, yaml, new ExecutorArtifact([1, 2, 3]), DateTimeOffset.UnixEpoch);
        var store = new OciLayoutImageStore(Path.Combine(folder, "images"));
        await store.PushImage("osha/haz-fast", image, version);
        return await release.Release(store, new ImageReference("osha/haz-fast", image.Digest), V100 with { PolicyVersion = version }, deploymentId);
    }

    private async Task<GreenReady> Deploy(Guid id, string version)
    {
        await Send(new DeployGreen(id, DateTimeOffset.UtcNow, V100 with { PolicyVersion = version }, await Image(version, id)));
        return (await sink.WaitFor<GreenReady>(nameof(ReadyProbe), m => m.DeploymentId == id)).Message;
    }

    private async Task<TrafficCutOver> CutOver(Guid id, string version, Color color)
    {
        await Send(new CutOverTraffic(id, DateTimeOffset.UtcNow, V100 with { PolicyVersion = version }, color));
        return (await sink.WaitFor<TrafficCutOver>(nameof(CutOverProbe), m => m.DeploymentId == id)).Message;
    }

    private Task Send<T>(T message)
        where T : class => host!.Services.GetRequiredService<IPublishEndpoint>().Publish(message);

    private async Task<string> VersionAt(string endpoint) =>
        (await http.GetFromJsonAsync<JsonObject>(new Uri(new Uri(endpoint), "v1/policy")))!["version"]!.GetValue<string>();

    [Fact]
    public async Task A_new_version_is_previewed_cut_over_under_load_without_a_failed_request_and_rolled_back()
    {
        var first = Guid.NewGuid();
        var ready = await Deploy(first, "1.0.0");
        Assert.Equal(Color.Blue, ready.Color);
        Assert.Equal("1.0.0", await VersionAt(ready.PreviewEndpoint));
        var live = (await CutOver(first, "1.0.0", Color.Blue)).LiveEndpoint!;
        Assert.Equal("1.0.0", await VersionAt(live));

        var second = Guid.NewGuid();
        var green = await Deploy(second, "1.1.0");
        Assert.Equal(Color.Green, green.Color);
        Assert.Equal("1.1.0", await VersionAt(green.PreviewEndpoint));
        Assert.Equal("1.0.0", await VersionAt(live));

        using var load = new CancellationTokenSource();
        var failures = 0;
        var answered = new HashSet<string>();
        bool Answered(string version)
        {
            lock (answered)
            {
                return answered.Contains(version);
            }
        }

        var traffic = Task.Run(async () =>
        {
            while (!load.IsCancellationRequested)
            {
                using var response = await http.PostAsJsonAsync(new Uri(new Uri(live), "v1/evaluate"),
                    new { injuries = 1, severity = "minor", fatality = false, workers = 50, industry = "other", incidentOn = "2026-11-02" });
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                }

                var version = (await response.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<string>();
                lock (answered)
                {
                    answered.Add(version);
                }
            }
        });
        await Eventually.Holds(() => Task.FromResult(Answered("1.0.0")), "requests flow to blue");
        var cutOver = await CutOver(second, "1.1.0", Color.Green);
        await Eventually.Holds(() => Task.FromResult(Answered("1.1.0")), "requests flow to green");
        await load.CancelAsync();
        await traffic;

        Assert.Equal(0, failures);
        Assert.Equal((Color.Green, Color.Blue), (cutOver.LiveColor, cutOver.PreviousColor));
        Assert.Equal("1.1.0", await VersionAt(live));

        await Send(new RollBackDeployment(second, DateTimeOffset.UtcNow, V100 with { PolicyVersion = "1.1.0" }, "post-promotion KPI gate failed"));
        var rolledBack = (await sink.WaitFor<RolledBack>(nameof(RolledBackProbe), m => m.DeploymentId == second)).Message;
        Assert.Equal(Color.Blue, rolledBack.LiveColor);
        Assert.Equal("1.0.0", await VersionAt(live));
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await http.GetAsync(new Uri(new Uri(green.PreviewEndpoint), "v1/policy"))).StatusCode);
    }

    [Fact]
    public async Task A_redelivered_cutover_switches_once()
    {
        var id = Guid.NewGuid();
        await Deploy(id, "1.0.0");
        var once = await CutOver(id, "1.0.0", Color.Blue);
        await Send(new CutOverTraffic(id, DateTimeOffset.UtcNow, V100, Color.Blue));
        await Eventually.Holds(() => Task.FromResult(sink.ReceivedBy(nameof(CutOverProbe)).Count == 2), "the redelivery was answered");

        var twice = sink.ReceivedBy(nameof(CutOverProbe)).OfType<ConsumeContext<TrafficCutOver>>().Last().Message;
        Assert.Equal((once.LiveColor, once.LiveEndpoint), (twice.LiveColor, twice.LiveEndpoint));
        Assert.Equal("1.0.0", await VersionAt(twice.LiveEndpoint!));
    }
}
