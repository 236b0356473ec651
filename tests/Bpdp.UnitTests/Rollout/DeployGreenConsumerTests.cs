using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Rollout;
using Bpdp.Rollout.Targets;
using Bpdp.Testing;
using Bpdp.Trust.Attestations;
using Bpdp.Trust.Release;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bpdp.UnitTests.Rollout;

/// <summary>
/// The one release check in front of every target: the Rollout stage on the in-memory bus, its targets replaced by a
/// recording one, so a test sees exactly what was published and whether any target was asked.
/// </summary>
public sealed class DeployGreenConsumerTests : IAsyncLifetime
{
    private const string Registry = "registry.example.gov";
    private static readonly DeploymentTarget Osha = new("osha", "production", "haz-fast", "1.1.0");
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-deploy-green-").FullName;
    private readonly ReleaseSigning release = new();
    private readonly RecordingTarget target = new();
    private WebApplication? host;

    private sealed class RecordingTarget : IRolloutTarget
    {
        public ConcurrentQueue<DeployGreen> Asked { get; } = new();

        public Task<GreenDeployed> DeployGreen(DeployGreen command, CancellationToken cancel)
        {
            Asked.Enqueue(command);
            return Task.FromResult(new GreenDeployed(Color.Blue, new Uri("http://127.0.0.1:8081/"), 1, TimeSpan.FromSeconds(1)));
        }

        public Task<TrafficMoved> CutOver(CutOverTraffic command, CancellationToken cancel) => throw new NotSupportedException();

        public Task<RolledBackTo> RollBack(RollBackDeployment command, CancellationToken cancel) => throw new NotSupportedException();

        public Task Finalize(FinalizeDeployment command, CancellationToken cancel) => throw new NotSupportedException();

        public Task<ServingNow> Serving(DeploymentTarget target, CancellationToken cancel) => throw new NotSupportedException();
    }

    private sealed class RecordingFactory(TargetKind kind, IRolloutTarget target) : IRolloutTargetFactory
    {
        public TargetKind Kind => kind;

        public IRolloutTarget Create(TargetOptions options) => target;
    }

    /// <summary>A store whose every read fails as a registry that does not answer does.</summary>
    private sealed class UnreachableStore(IImageStore names) : IImageStore
    {
        public string Qualify(string repository) => names.Qualify(repository);

        public string Unqualify(string name) => names.Unqualify(name);

        public Task<bool> HasBlob(string repository, string digest, CancellationToken cancel = default) => throw Down();

        public Task PutBlob(string repository, Blob blob, CancellationToken cancel = default) => throw Down();

        public Task<bool> MountBlob(string repository, string digest, string from, CancellationToken cancel = default) => throw Down();

        public Task PutManifest(string repository, Blob manifest, string? tag = null, CancellationToken cancel = default) => throw Down();

        public Task<Blob> GetManifest(string repository, string reference, CancellationToken cancel = default) => throw Down();

        public Task<Blob> GetManifest(string repository, string reference, int maxBytes, CancellationToken cancel = default) => throw Down();

        public Task<byte[]> GetBlob(string repository, string digest, CancellationToken cancel = default) => throw Down();

        public Task<byte[]> GetBlob(string repository, string digest, int maxBytes, CancellationToken cancel = default) => throw Down();

        private static HttpRequestException Down() => new("Connection refused (registry.example.gov:443)");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }

        release.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private OciLayoutImageStore Store => new(Path.Combine(folder, "images"));

    private static ImageReference Image(string repository = "osha/haz-fast") =>
        new(repository, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(repository))));

    private async Task Start(TargetKind kind = TargetKind.Local, IImageStore? store = null)
    {
        var settings = new Dictionary<string, string?>(release.RolloutSettings(folder))
        {
            ["Bus:Transport"] = "InMemory",
            ["Images:Store"] = "Layout",
            ["Images:LayoutRoot"] = Path.Combine(folder, "images"),
            ["Registry:Url"] = $"https://{Registry}",
            ["Rollout:WorkDirectory"] = Path.Combine(folder, "rollout"),
        };
        if (kind != TargetKind.Local)
        {
            settings["Rollout:Targets:0:Agency"] = Osha.Agency;
            settings["Rollout:Targets:0:Environment"] = Osha.Environment;
            settings["Rollout:Targets:0:Kind"] = kind.ToString();
        }

        host = TestHost.Build(settings, bus =>
        {
            bus.AddRolloutStage();
            bus.RemoveAll<IRolloutTargetFactory>();
            bus.AddSingleton<IRolloutTargetFactory>(new RecordingFactory(kind, target));
            bus.AddSingleton<ConsumedMessages>();
            bus.AddConsumeObserver(provider => provider.GetRequiredService<ConsumedMessages>());
            bus.AddSingleton<PublishedMessages>();
            bus.AddPublishObserver(provider => provider.GetRequiredService<PublishedMessages>());
        }, configureServices: services =>
        {
            if (store is not null)
            {
                services.AddSingleton(store);
            }
        });
        await host.StartAsync();
    }

    /// <summary>Sends the command and waits until the stage has handled it: everything it published is then recorded.</summary>
    private async Task<PublishedMessages> Deploy(DeployGreen command)
    {
        await host!.Services.GetRequiredService<IPublishEndpoint>().Publish(command);
        await host.Services.GetRequiredService<ConsumedMessages>().WaitFor<DeployGreen>(m => m.DeploymentId == command.DeploymentId);
        return host.Services.GetRequiredService<PublishedMessages>();
    }

    private static DeployGreen Command(ImageReference image) => new(Guid.NewGuid(), DateTimeOffset.UtcNow, Osha, image);

    /// <summary>A command for <paramref name="target"/> naming an image of <paramref name="repository"/> released as the Publisher releases one, for the command's own deployment.</summary>
    private async Task<DeployGreen> Released(string repository = "osha/haz-fast", DeploymentTarget? target = null)
    {
        var id = Guid.NewGuid();
        var image = await release.Release(Store, await ReleaseSigning.PushImage(Store, repository, target ?? Osha), target ?? Osha, id);
        return new DeployGreen(id, DateTimeOffset.UtcNow, Osha, image);
    }

    [Fact]
    public async Task An_unsigned_image_fails_naming_the_check_is_refused_once_and_no_target_is_asked()
    {
        await Start();
        var command = Command(Image());

        var published = await Deploy(command);

        var detail = $"release signature: no signature tag {CosignSignature.TagFor(command.Image.Digest)} in osha/haz-fast: only images the Publisher released and signed are deployed";
        var refused = Assert.Single(published.Of<MessageRefused>());
        Assert.Equal((command.DeploymentId, PipelineStage.Rollout, "DeployGreen", RefusalReason.MissingSignature, detail),
            (refused.DeploymentId, refused.Stage, refused.MessageType, refused.Reason, refused.Detail));
        var failed = Assert.Single(published.Of<DeploymentFailed>());
        Assert.Equal((PipelineStage.Rollout, $"{command.Image} was not deployed: {detail}"), (failed.Stage, failed.Reason));
        Assert.Empty(published.Of<GreenReady>());
        Assert.Empty(target.Asked);
    }

    [Fact]
    public async Task A_redelivered_refused_command_publishes_the_same_refusal_and_failure_under_the_same_ids()
    {
        await Start();
        var command = Command(Image());

        var published = await Deploy(command);
        await host!.Services.GetRequiredService<IPublishEndpoint>().Publish(command);
        await Eventually.Holds(() => Task.FromResult(published.Of<DeploymentFailed>().Count == 2), "the redelivered command failed again");

        Assert.Equal(2, published.Of<MessageRefused>().Count);
        Assert.Single(published.IdsOf<MessageRefused>().Distinct());
        Assert.Single(published.IdsOf<DeploymentFailed>().Distinct());
        Assert.Empty(target.Asked);
    }

    [Fact]
    public async Task A_released_image_is_deployed_on_its_target()
    {
        await Start();
        var command = await Released();

        var published = await Deploy(command);

        Assert.Equal((command.DeploymentId, command.Image), (Assert.Single(target.Asked).DeploymentId, target.Asked.Single().Image));
        var ready = Assert.Single(published.Of<GreenReady>());
        Assert.Equal((command.DeploymentId, command.Image, Color.Blue), (ready.DeploymentId, ready.Image, ready.Color));
        Assert.Empty(published.Of<MessageRefused>());
        Assert.Empty(published.Of<DeploymentFailed>());
    }

    [Fact]
    public async Task An_image_signed_by_another_key_is_refused_as_an_invalid_signature()
    {
        await Start();
        using var stranger = new ReleaseSigning();
        var command = Command(await stranger.Sign(Store, Image()));

        var published = await Deploy(command);

        Assert.Equal(RefusalReason.InvalidSignature, Assert.Single(published.Of<MessageRefused>()).Reason);
        Assert.Contains("release signature: ", Assert.Single(published.Of<DeploymentFailed>()).Reason, StringComparison.Ordinal);
        Assert.Contains("does not verify with any trusted release key (Rollout:ReleaseKeys: release-test)", published.Of<DeploymentFailed>()[0].Reason, StringComparison.Ordinal);
        Assert.Empty(target.Asked);
    }

    [Fact]
    public async Task On_kubernetes_a_signed_image_of_another_registry_is_refused_before_the_cluster_is_asked()
    {
        await Start(TargetKind.Kubernetes);
        var command = Command(await release.Sign(Store, Image("ghcr.io/osha/haz-fast")));

        var published = await Deploy(command);

        var refused = Assert.Single(published.Of<MessageRefused>());
        Assert.Equal(RefusalReason.UntrustedRegistry, refused.Reason);
        Assert.Equal($"release registry: the Kubernetes target of osha/production would pull {command.Image} from ghcr.io, but releases come only from {Registry} (Registry:Url)",
            refused.Detail);
        Assert.Equal($"{command.Image} was not deployed: {refused.Detail}", Assert.Single(published.Of<DeploymentFailed>()).Reason);
        Assert.Empty(target.Asked);
    }

    [Fact]
    public async Task On_kubernetes_a_released_image_of_the_release_registry_is_deployed()
    {
        await Start(TargetKind.Kubernetes);
        var command = await Released($"{Registry}/osha/haz-fast");

        var published = await Deploy(command);

        Assert.Equal((command.DeploymentId, command.Image), (Assert.Single(target.Asked).DeploymentId, target.Asked.Single().Image));
        Assert.Single(published.Of<GreenReady>());
        Assert.Empty(published.Of<MessageRefused>());
    }

    [Fact]
    public async Task A_signed_image_without_provenance_is_refused_naming_the_provenance_and_no_target_is_asked()
    {
        await Start();
        var pushed = await ReleaseSigning.PushImage(Store, "osha/haz-fast", Osha);
        var command = Command(await release.Sign(Store, pushed));

        var published = await Deploy(command);

        var refused = Assert.Single(published.Of<MessageRefused>());
        Assert.Equal((RefusalReason.MissingSignature, $"provenance: no attestation tag {CosignAttestations.TagFor(pushed.Digest)} in osha/haz-fast: " +
            "the Publisher signs the provenance and the scan verdict of every release there"), (refused.Reason, refused.Detail));
        Assert.Equal($"{command.Image} was not deployed: {refused.Detail}", Assert.Single(published.Of<DeploymentFailed>()).Reason);
        Assert.Empty(target.Asked);
    }

    [Fact]
    public async Task A_command_naming_the_release_of_another_version_is_refused_as_a_target_mismatch()
    {
        await Start();
        var older = await Released(target: Osha with { PolicyVersion = "1.0.0" });
        var command = new DeployGreen(Guid.NewGuid(), DateTimeOffset.UtcNow, Osha, older.Image);

        var published = await Deploy(command);

        var refused = Assert.Single(published.Of<MessageRefused>());
        Assert.Equal(RefusalReason.TargetMismatch, refused.Reason);
        Assert.Equal($"approval: the image was approved as osha/production haz-fast 1.0.0 (deployment {older.DeploymentId}), " +
            $"not as osha/production haz-fast 1.1.0 (deployment {command.DeploymentId})", refused.Detail);
        Assert.Empty(target.Asked);
    }

    [Fact]
    public async Task A_command_naming_the_release_of_another_policy_is_refused_as_a_target_mismatch()
    {
        await Start();
        var other = await Released("osha/lab-safety", Osha with { PolicyName = "lab-safety" });
        var command = other with { DeploymentId = Guid.NewGuid() };

        var published = await Deploy(command);

        var refused = Assert.Single(published.Of<MessageRefused>());
        Assert.Equal(RefusalReason.TargetMismatch, refused.Reason);
        Assert.Equal($"approval: the image was approved as osha/production lab-safety 1.1.0 (deployment {other.DeploymentId}), " +
            $"not as osha/production haz-fast 1.1.0 (deployment {command.DeploymentId})", refused.Detail);
        Assert.Empty(target.Asked);
    }

    [Fact]
    public async Task A_release_replayed_for_another_deployment_of_the_same_target_is_refused()
    {
        await Start();
        var first = await Released();
        var replay = first with { DeploymentId = Guid.NewGuid() };

        var published = await Deploy(replay);

        Assert.Equal(RefusalReason.TargetMismatch, Assert.Single(published.Of<MessageRefused>()).Reason);
        Assert.Empty(target.Asked);
    }

    [Fact]
    public async Task A_store_that_does_not_answer_is_a_failed_deployment_not_a_refusal()
    {
        await Start(store: new UnreachableStore(Store));
        var command = Command(Image());

        var published = await Deploy(command);

        Assert.Equal($"{command.Image} could not be brought up: Connection refused (registry.example.gov:443)", Assert.Single(published.Of<DeploymentFailed>()).Reason);
        Assert.Empty(published.Of<MessageRefused>());
        Assert.Empty(target.Asked);
    }
}
