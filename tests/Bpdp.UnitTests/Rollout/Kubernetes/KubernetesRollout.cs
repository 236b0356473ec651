using System.Security.Cryptography;
using System.Text;
using Bpdp.Contracts;
using Bpdp.Images.Layout;
using Bpdp.Rollout;
using Bpdp.Testing;
using Bpdp.Testing.Kubernetes;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.UnitTests.Rollout.Kubernetes;

/// <summary>
/// The Rollout stage on the in-memory bus, its one configured target (osha/production) a namespace of a fake
/// API server reached through a kubeconfig file; commands in, events and the server's request log out.
/// </summary>
public sealed class KubernetesRollout : IAsyncDisposable
{
    public const string Namespace = "osha-production";
    public const string Policy = "haz-fast";
    public const string Registry = "registry.example.gov";
    public static readonly DeploymentTarget HazFast = new("osha", "production", Policy, "1.0.0");

    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-kubernetes-").FullName;
    private readonly Dictionary<string, string?> settings;
    private readonly ReleaseSigning release = new();
    private WebApplication? host;

    public sealed class ReadyProbe(MessageSink sink) : RecordingConsumer<GreenReady>(sink);

    public sealed class CutOverProbe(MessageSink sink) : RecordingConsumer<TrafficCutOver>(sink);

    public sealed class RolledBackProbe(MessageSink sink) : RecordingConsumer<RolledBack>(sink);

    public sealed class FailedProbe(MessageSink sink) : RecordingConsumer<DeploymentFailed>(sink);

    private KubernetesRollout(FakeKubernetesApi cluster, IDictionary<string, string?> overrides)
    {
        Cluster = cluster;
        Kubeconfig = cluster.WriteKubeconfig(Path.Combine(folder, "kubeconfig"), "osha-production", Namespace);
        settings = new Dictionary<string, string?>(release.RolloutSettings(folder))
        {
            ["Bus:Transport"] = "InMemory",
            ["Images:Store"] = "Layout",
            ["Images:LayoutRoot"] = Path.Combine(folder, "images"),
            ["Registry:Url"] = "https://" + Registry,
            ["Rollout:ScaleDownDelaySeconds"] = "0",
            ["Rollout:Targets:0:Agency"] = "osha",
            ["Rollout:Targets:0:Environment"] = "production",
            ["Rollout:Targets:0:Kind"] = "Kubernetes",
            ["Rollout:Targets:0:Kubeconfig"] = Kubeconfig,
            ["Rollout:Targets:0:Context"] = "osha-production",
            ["Rollout:Targets:0:Namespace"] = Namespace,
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }
    }

    public FakeKubernetesApi Cluster { get; }

    public string Kubeconfig { get; }

    /// <summary>What the current host's probes received; a restarted host starts a new one.</summary>
    public MessageSink Sink { get; private set; } = new();

    public static async Task<KubernetesRollout> Start(IDictionary<string, string?>? settings = null)
    {
        var rollout = new KubernetesRollout(await FakeKubernetesApi.Start(), settings ?? new Dictionary<string, string?>());
        await rollout.StartHost();
        return rollout;
    }

    /// <summary>A new Rollout service on the same cluster: nothing of the previous one's memory survives.</summary>
    public async Task Restart()
    {
        await StopHost();
        Sink = new MessageSink();
        await StartHost();
    }

    public static ImageReference Image(string version) => new($"{Registry}/osha/haz-fast", ReleaseSigning.DigestOf(Version(version)));

    public static DeploymentTarget Version(string version) => HazFast with { PolicyVersion = version };

    /// <summary>The version's image (in miniature), released for the deployment in the image store the Rollout reads (the cluster never pulls it).</summary>
    public Task<ImageReference> Released(string version, Guid id) => Released(Version(version), id);

    /// <summary>An image released for any target, also one whose names the cluster must never see.</summary>
    public async Task<ImageReference> Released(DeploymentTarget target, Guid id)
    {
        var store = new OciLayoutImageStore(Path.Combine(folder, "images"));
        return await release.Release(store, await ReleaseSigning.PushImage(store, $"{Registry}/osha/haz-fast", target), target, id);
    }

    public async Task SendDeploy(Guid id, string version) => await Send(new DeployGreen(id, DateTimeOffset.UtcNow, Version(version), await Released(version, id)));

    public async Task<GreenReady> Deploy(Guid id, string version)
    {
        await SendDeploy(id, version);
        return (await Sink.WaitFor<GreenReady>(nameof(ReadyProbe), m => m.DeploymentId == id)).Message;
    }

    public async Task<TrafficCutOver> CutOver(Guid id, string version, Color color)
    {
        await Send(new CutOverTraffic(id, DateTimeOffset.UtcNow, Version(version), color));
        return (await Sink.WaitFor<TrafficCutOver>(nameof(CutOverProbe), m => m.DeploymentId == id)).Message;
    }

    public async Task<RolledBack> RollBack(Guid id, string version)
    {
        await Send(new RollBackDeployment(id, DateTimeOffset.UtcNow, Version(version), "post-promotion KPI gate failed"));
        return (await Sink.WaitFor<RolledBack>(nameof(RolledBackProbe), m => m.DeploymentId == id)).Message;
    }

    /// <summary>Sends FinalizeDeployment and waits until the stage has handled it (it answers with no event).</summary>
    public async Task Finalize(Guid id, string version)
    {
        await Send(new FinalizeDeployment(id, DateTimeOffset.UtcNow, Version(version)));
        await host!.Services.GetRequiredService<ConsumedMessages>().WaitFor<FinalizeDeployment>(m => m.DeploymentId == id);
    }

    public async Task<DeploymentFailed> Failed(Guid id) =>
        (await Sink.WaitFor<DeploymentFailed>(nameof(FailedProbe), m => m.DeploymentId == id)).Message;

    /// <summary>A first version deployed, live and finalized: blue serves 1.0.0.</summary>
    public async Task<Guid> Live(string version)
    {
        var id = Guid.NewGuid();
        var ready = await Deploy(id, version);
        await CutOver(id, version, ready.Color);
        await Finalize(id, version);
        return id;
    }

    public Task Send<T>(T message)
        where T : class => host!.Services.GetRequiredService<IPublishEndpoint>().Publish(message);

    /// <summary>The color the live Service <c>haz-fast</c> selects in the cluster, if it exists.</summary>
    public string? LiveColor => Cluster.Service(Namespace, Policy)?["spec"]?["selector"]?["bpdp.io/color"]?.GetValue<string>();

    /// <summary>The writes the cluster received after the first <paramref name="skip"/>, as <c>METHOD resource/name</c>.</summary>
    public List<string> Writes(int skip = 0) => [.. Cluster.Writes.Skip(skip).Select(w => w.Summary)];

    private async Task StartHost()
    {
        // MassTransit keeps its log context in an AsyncLocal of this flow, set when a host's bus is first resolved;
        // a new host must not inherit the stopped one's, whose logger factory is disposed.
        LogContext.Current = null;
        host = TestHost.Build(settings, bus =>
        {
            // A stop cancels the consumers still running at once, as a killed process would, instead of waiting 30 s.
            bus.PostConfigure<MassTransitHostOptions>(options => options.ConsumerStopTimeout = TimeSpan.FromMilliseconds(100));
            bus.AddRolloutStage();
            bus.AddConsumer<ReadyProbe>();
            bus.AddConsumer<CutOverProbe>();
            bus.AddConsumer<RolledBackProbe>();
            bus.AddConsumer<FailedProbe>();
            bus.AddSingleton<ConsumedMessages>();
            bus.AddConsumeObserver(provider => provider.GetRequiredService<ConsumedMessages>());
        }, Sink);
        await host.StartAsync();
    }

    private async Task StopHost()
    {
        if (host is not null)
        {
            await host.StopAsync();
            await host.DisposeAsync();
            host = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopHost();
        await Cluster.DisposeAsync();
        release.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
