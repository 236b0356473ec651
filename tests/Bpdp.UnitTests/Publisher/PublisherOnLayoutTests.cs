using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bpdp.Builder.Oci;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Policy;
using Bpdp.Publisher;
using Bpdp.Testing;
using Bpdp.Trust.Approvals;
using Bpdp.Trust.Attestations;
using Bpdp.Trust.Release;
using Bpdp.Trust.Scans;
using Bpdp.UnitTests.Policy;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.UnitTests.Publisher;

/// <summary>
/// The embedded mode: the same promotion, signature and attachments in OCI layouts, tags and referrers in their index.json;
/// and a passed verdict the Scanner did not sign releases nothing.
/// </summary>
public sealed class PublisherOnLayoutTests : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-publisher-").FullName;
    private readonly MessageSink sink = new();
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ScanSigning scans = new();
    private readonly ApprovalSigning approvals = new();
    private readonly Dictionary<string, Guid> approvedAs = new(StringComparer.Ordinal);
    private WebApplication? host;

    public sealed class PublishedProbe(MessageSink sink) : RecordingConsumer<ImagePublished>(sink);

    public sealed class RefusedProbe(MessageSink sink) : RecordingConsumer<MessageRefused>(sink);

    public sealed class FailedProbe(MessageSink sink) : RecordingConsumer<DeploymentFailed>(sink);

    private string Images => Path.Combine(folder, "images");

    public async Task InitializeAsync()
    {
        var keyFile = Path.Combine(folder, "release.key.pem");
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
        host = TestHost.Build(new Dictionary<string, string?>([.. scans.PublisherSettings(folder), .. approvals.TrustedKeySettings(folder, "Publisher")])
        {
            ["Bus:Transport"] = "InMemory",
            ["Images:Store"] = "Layout",
            ["Images:LayoutRoot"] = Images,
            ["Publisher:SigningKeyFile"] = keyFile,
        }, bus =>
        {
            bus.AddPublisherStage();
            bus.AddConsumer<PublishedProbe>();
            bus.AddConsumer<RefusedProbe>();
            bus.AddConsumer<FailedProbe>();
            bus.AddSingleton<ConsumedMessages>();
            bus.AddConsumeObserver(provider => provider.GetRequiredService<ConsumedMessages>());
        }, sink);
        await host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await host!.StopAsync();
        await host.DisposeAsync();
        key.Dispose();
        scans.Dispose();
        approvals.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>The version's image in quarantine with the approval of a new deployment beside it, as the Builder leaves it.</summary>
    private async Task<OciImage> Quarantine(string version, bool approved = true, ECDsa? approvedWith = null)
    {
        var yaml = PolicyExamples.HazFast(version);
        var image = new PolicyImageBuilder().Build(PolicyValidator.Validate(yaml).Policy!, yaml, new ExecutorArtifact([1, 2, 3]), DateTimeOffset.UnixEpoch);
        var store = new OciLayoutImageStore(Images);
        await store.PushImage("quarantine/osha/haz-fast", image);
        var deploymentId = Guid.NewGuid();
        approvedAs[image.Digest] = deploymentId;
        if (approved)
        {
            await ApprovalAttestation.Attach(store, "quarantine/osha/haz-fast", image.Manifest, SignedForm.Of(approvals.Approve(yaml, deploymentId, signer: approvedWith)));
        }

        return image;
    }

    private ImageScanned Scanned(OciImage image, string version, bool passed) => scans.Sign(Unsigned(image, version, passed));

    private ImageScanned Unsigned(OciImage image, string version, bool passed) =>
        new(approvedAs[image.Digest], DateTimeOffset.UtcNow, new DeploymentTarget("osha", "production", "haz-fast", version),
            new ImageReference("quarantine/osha/haz-fast", image.Digest), passed, []);

    [Fact]
    public async Task A_failed_scan_releases_nothing_and_a_passed_one_is_tagged_signed_and_attached_in_the_layout()
    {
        var rejected = await Quarantine("1.0.0");
        var accepted = await Quarantine("1.1.0");
        var bus = host!.Services.GetRequiredService<IPublishEndpoint>();

        var failed = Scanned(rejected, "1.0.0", passed: false);
        await bus.Publish(failed);
        await host.Services.GetRequiredService<ConsumedMessages>().WaitFor<ImageScanned>(m => m.DeploymentId == failed.DeploymentId);
        var scanned = Scanned(accepted, "1.1.0", passed: true);
        await bus.Publish(scanned);
        var published = (await sink.WaitFor<ImagePublished>(nameof(PublishedProbe), m => m.DeploymentId == scanned.DeploymentId)).Message;

        Assert.Single(sink.ReceivedBy(nameof(PublishedProbe)));
        var layout = new OciLayout(Path.Combine(Images, "osha", "haz-fast"));
        Assert.Equal(accepted.Digest, await layout.Resolve("1.1.0"));
        Assert.Null(await layout.Resolve("1.0.0"));
        Assert.Equal("osha/haz-fast", published.Image.Repository);
        var signature = JsonNode.Parse((await layout.GetManifest(CosignSignature.TagFor(accepted.Digest))).Content)!["layers"]![0]!;
        var payload = await layout.GetBlob(signature["digest"]!.GetValue<string>());
        Assert.True(key.VerifyData(payload, Convert.FromBase64String(signature["annotations"]![CosignSignature.SignatureAnnotation]!.GetValue<string>()),
            HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var store = new OciLayoutImageStore(Images);
        Assert.Contains(await ReferrersTag.List(store, "osha/haz-fast", accepted.Digest, CancellationToken.None), r => r.ArtifactType == ApprovalAttestation.ArtifactType);
        Assert.NotNull(await layout.Resolve(CosignAttestations.TagFor(accepted.Digest)));
        Assert.True(File.Exists(layout.BlobPath(accepted.Layers[0].Digest)));
    }

    [Fact]
    public async Task An_unsigned_passed_verdict_is_refused_once_and_nothing_is_promoted_or_signed()
    {
        var image = await Quarantine("1.1.0");

        var refusal = await RefusalOf(Unsigned(image, "1.1.0", passed: true));

        Assert.Equal((PipelineStage.Publisher, nameof(ImageScanned), RefusalReason.MissingSignature), (refusal.Stage, refusal.MessageType, refusal.Reason));
        Assert.StartsWith($"The scan verdict of quarantine/osha/haz-fast@{image.Digest} for deployment {refusal.DeploymentId} carries no signature", refusal.Detail, StringComparison.Ordinal);
        AssertNothingReleased();
    }

    [Fact]
    public async Task A_passed_verdict_signed_by_another_key_under_the_trusted_id_is_refused_once_and_nothing_is_promoted_or_signed()
    {
        var image = await Quarantine("1.1.0");
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var refusal = await RefusalOf(scans.Sign(Unsigned(image, "1.1.0", passed: true), other));

        Assert.Equal((PipelineStage.Publisher, RefusalReason.InvalidSignature), (refusal.Stage, refusal.Reason));
        Assert.Contains($"does not verify with Scanner key '{ScanSigning.KeyId}'", refusal.Detail, StringComparison.Ordinal);
        AssertNothingReleased();
    }

    [Fact]
    public async Task A_blocked_verdict_turned_passed_is_refused_once_and_nothing_is_promoted_or_signed()
    {
        var image = await Quarantine("1.1.0");

        var refusal = await RefusalOf(Scanned(image, "1.1.0", passed: false) with { Passed = true });

        Assert.Equal(RefusalReason.InvalidSignature, refusal.Reason);
        AssertNothingReleased();
    }

    [Fact]
    public async Task A_redelivered_forged_verdict_is_refused_again_under_the_same_message_id()
    {
        var forged = Unsigned(await Quarantine("1.1.0"), "1.1.0", passed: true);
        var bus = host!.Services.GetRequiredService<IPublishEndpoint>();

        await bus.Publish(forged);
        await bus.Publish(forged);
        await Eventually.Holds(() => Task.FromResult(sink.ReceivedBy(nameof(RefusedProbe)).Count == 2), "both deliveries were refused", TimeSpan.FromSeconds(10));

        var ids = sink.ReceivedBy(nameof(RefusedProbe)).Select(c => c.MessageId).ToList();
        Assert.Equal(ids[0], ids[1]);
        Assert.NotNull(ids[0]);
        AssertNothingReleased();
    }

    [Fact]
    public async Task A_release_carries_its_approval_and_verdict_and_passes_every_check_the_Rollout_makes()
    {
        var image = await Quarantine("1.1.0");
        var scanned = Scanned(image, "1.1.0", passed: true);

        await host!.Services.GetRequiredService<IPublishEndpoint>().Publish(scanned);
        var published = (await sink.WaitFor<ImagePublished>(nameof(PublishedProbe), m => m.DeploymentId == scanned.DeploymentId)).Message;

        var store = new OciLayoutImageStore(Images);
        Assert.Equal($"osha/haz-fast@{(await store.GetManifest("osha/haz-fast", CosignAttestations.TagFor(image.Digest))).Digest}", published.ProvenanceReference);
        Assert.Contains(await ReferrersTag.List(store, "osha/haz-fast", image.Digest, CancellationToken.None), r => r.ArtifactType == ApprovalAttestation.ArtifactType);
        await File.WriteAllTextAsync(Path.Combine(folder, "release.pub.pem"), key.ExportSubjectPublicKeyInfoPem());
        using var release = ReleaseKeyRing.Load("Rollout:ReleaseKeys", new Dictionary<string, ReleaseKeyOptions> { ["release"] = new() { PublicKeyFile = Path.Combine(folder, "release.pub.pem") } });
        using var approvalKeys = ApprovalKeyRing.Load("Rollout:TrustedKeys", new Dictionary<string, ApprovalKeyOptions>
        {
            [ApprovalSigning.KeyId] = new() { PublicKeyFile = approvals.WritePublicKey(folder), Agencies = ["osha"], Environments = ["production"] },
        });
        using var scannerKeys = ScannerKeyRing.Load("Rollout:ScannerKeys", new Dictionary<string, ScannerKeyOptions> { [ScanSigning.KeyId] = new() { PublicKeyFile = scans.WritePublicKey(folder) } });
        var verifier = new ReleaseVerifier(store, new ReleaseSignatures(store, release), release, new ApprovalEvidence(approvalKeys, TimeProvider.System, TimeSpan.MaxValue, "Rollout:TrustedKeys"),
            new ScanVerdictEvidence(scannerKeys, TimeProvider.System));

        var checks = await verifier.Verify(published.Image, new ReleaseExpectation("osha", "haz-fast", "1.1.0", "production", scanned.DeploymentId));

        Assert.All(checks, c => Assert.True(c.IsVerified, c.Detail));
        Assert.Equal(ReleaseVerifier.Names, checks.Select(c => c.Detail[..c.Detail.IndexOf(':', StringComparison.Ordinal)]));
    }

    [Fact]
    public async Task A_passed_image_without_the_approval_beside_it_fails_and_nothing_is_released()
    {
        var image = await Quarantine("1.1.0", approved: false);
        var scanned = Scanned(image, "1.1.0", passed: true);

        await host!.Services.GetRequiredService<IPublishEndpoint>().Publish(scanned);
        var failed = (await sink.WaitFor<DeploymentFailed>(nameof(FailedProbe), m => m.DeploymentId == scanned.DeploymentId)).Message;

        Assert.Equal((PipelineStage.Publisher, $"{scanned.Image} carries no approval of deployment {scanned.DeploymentId} ({ApprovalAttestation.ArtifactType} referrer): " +
            "the Builder attaches the approval it verified beside every image it builds, and only an approved image is released."), (failed.Stage, failed.Reason));
        AssertNothingReleased();
    }

    [Fact]
    public async Task A_passed_image_whose_attached_approval_another_key_signed_fails_and_nothing_is_released()
    {
        using var mallory = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var image = await Quarantine("1.1.0", approvedWith: mallory);
        var scanned = Scanned(image, "1.1.0", passed: true);

        await host!.Services.GetRequiredService<IPublishEndpoint>().Publish(scanned);
        var failed = (await sink.WaitFor<DeploymentFailed>(nameof(FailedProbe), m => m.DeploymentId == scanned.DeploymentId)).Message;

        Assert.Equal(PipelineStage.Publisher, failed.Stage);
        Assert.StartsWith($"the approval attached to {scanned.Image} does not verify (InvalidSignature): ", failed.Reason, StringComparison.Ordinal);
        AssertNothingReleased();
    }

    /// <summary>Publishes <paramref name="scanned"/>, waits until the Publisher has consumed it, and returns its only refusal.</summary>
    private async Task<MessageRefused> RefusalOf(ImageScanned scanned)
    {
        await host!.Services.GetRequiredService<IPublishEndpoint>().Publish(scanned);
        await host.Services.GetRequiredService<ConsumedMessages>().WaitFor<ImageScanned>(m => m.DeploymentId == scanned.DeploymentId);
        var refusal = (await sink.WaitFor<MessageRefused>(nameof(RefusedProbe), m => m.DeploymentId == scanned.DeploymentId)).Message;
        Assert.Single(sink.ReceivedBy(nameof(RefusedProbe)));
        return refusal;
    }

    /// <summary>No release repository was written: nothing promoted, tagged or signed, and no <see cref="ImagePublished"/>.</summary>
    private void AssertNothingReleased()
    {
        Assert.False(Directory.Exists(Path.Combine(Images, "osha", "haz-fast")), "the release repository osha/haz-fast was written");
        Assert.Empty(sink.ReceivedBy(nameof(PublishedProbe)));
    }
}
