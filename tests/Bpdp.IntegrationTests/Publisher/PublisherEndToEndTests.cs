using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bpdp.Builder.Oci;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Registry;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Images;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Policy;
using Bpdp.Publisher;
using Bpdp.Scanner.Sbom;
using Bpdp.Testing;
using Bpdp.Trust.Attestations;
using Bpdp.Trust.Release;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.IntegrationTests.Publisher;

/// <summary>
/// The Publisher on the real RabbitMQ and the real registry: the release is tagged, signed so that openssl
/// verifies the exact payload bytes, and its SBOM and provenance are found from its digest; redelivery changes
/// nothing, a conflicting re-tag is refused, and a registry failing at the tag leaves no tag behind.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class PublisherEndToEndTests(RealServers servers) : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-publisher-e2e-").FullName;
    private readonly string run = Guid.NewGuid().ToString("N")[..8];
    private readonly ScanSigning scans = new();
    private readonly ApprovalSigning approvals = new();
    private readonly Dictionary<string, Guid> approvedAs = new(StringComparer.Ordinal);

    public sealed class PublishedProbe(MessageSink sink) : RecordingConsumer<ImagePublished>(sink);

    public sealed class FailedProbe(MessageSink sink) : RecordingConsumer<DeploymentFailed>(sink);

    private readonly List<QueueCleanup> cleanups = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var cleanup in cleanups)
        {
            await cleanup.DisposeAsync();
        }

        scans.Dispose();
        approvals.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_passed_scan_is_released_tagged_signed_and_attached_and_a_redelivery_changes_nothing()
    {
        var registry = await servers.Registry();
        var store = Store(registry);
        var agency = $"agency-{run}";
        var (image, sbomDigest) = await Quarantined(store, agency, "1.1.0");
        var sink = new MessageSink();
        await using var host = await StartPublisher(registry, sink);
        var scanned = Scanned(store, agency, image, sbomDigest);

        await Publish(host, scanned);
        var published = (await sink.WaitFor<ImagePublished>(nameof(PublishedProbe), m => m.DeploymentId == scanned.DeploymentId, TimeSpan.FromSeconds(60))).Message;

        var release = $"{agency}/haz-fast";
        Assert.Equal($"{registry}/{release}", published.Image.Repository);
        var inspected = JsonNode.Parse(await Tool.Run("skopeo", "inspect", "--tls-verify=false", $"docker://{registry}/{release}:1.1.0"))!;
        Assert.Equal(image.Digest, inspected["Digest"]!.GetValue<string>());

        var signature = JsonNode.Parse((await store.GetManifest(release, CosignSignature.TagFor(image.Digest))).Content)!;
        var layer = signature["layers"]![0]!;
        Assert.Equal(CosignSignature.PayloadMediaType, layer["mediaType"]!.GetValue<string>());
        var payload = await store.GetBlob(release, layer["digest"]!.GetValue<string>());
        Assert.Equal(image.Digest, JsonNode.Parse(payload)!["critical"]!["image"]!["docker-manifest-digest"]!.GetValue<string>());
        Assert.Equal($"{registry}/{release}", JsonNode.Parse(payload)!["critical"]!["identity"]!["docker-reference"]!.GetValue<string>());
        await File.WriteAllBytesAsync(Path.Combine(folder, "payload.json"), payload);
        await File.WriteAllBytesAsync(Path.Combine(folder, "signature.der"), Convert.FromBase64String(layer["annotations"]![CosignSignature.SignatureAnnotation]!.GetValue<string>()));
        var verified = await Tool.Run("openssl", "dgst", "-sha256", "-verify", Path.Combine(folder, "release.pub.pem"), "-signature", Path.Combine(folder, "signature.der"),
            Path.Combine(folder, "payload.json"));
        Assert.Equal("Verified OK", verified.Trim());

        var referrers = await ReferrersTag.List(store, release, image.Digest, CancellationToken.None);
        Assert.Contains(referrers, r => r.ArtifactType == CycloneDxSbom.MediaType && r.Digest == sbomDigest);
        Assert.Contains(referrers, r => r.ArtifactType == ApprovalAttestation.ArtifactType);
        var attestations = JsonNode.Parse((await store.GetManifest(release, CosignAttestations.TagFor(image.Digest))).Content)!;
        Assert.Equal($"{registry}/{release}@{Blob.DigestOf((await store.GetManifest(release, CosignAttestations.TagFor(image.Digest))).Content)}", published.ProvenanceReference);
        var provenanceLayer = attestations["layers"]!.AsArray().Single(l => l!["annotations"]!["predicateType"]!.GetValue<string>() == SlsaProvenance.PredicateType)!;
        Assert.Equal(Dsse.EnvelopeMediaType, provenanceLayer["mediaType"]!.GetValue<string>());
        var envelope = JsonNode.Parse(await store.GetBlob(release, provenanceLayer["digest"]!.GetValue<string>()))!;
        var statement = JsonNode.Parse(Convert.FromBase64String(envelope["payload"]!.GetValue<string>()))!;
        Assert.Equal("https://slsa.dev/provenance/v1", statement["predicateType"]!.GetValue<string>());
        Assert.Equal(image.Digest[7..], statement["subject"]![0]!["digest"]!["sha256"]!.GetValue<string>());
        Assert.Contains(statement["predicate"]!["buildDefinition"]!["resolvedDependencies"]!.AsArray(), d => d!["uri"]!.GetValue<string>() == "urn:bpdp:executor");

        await Publish(host, scanned);
        await Eventually.Holds(() => Task.FromResult(sink.ReceivedBy(nameof(PublishedProbe)).OfType<ConsumeContext<ImagePublished>>().Count(c => c.Message.DeploymentId == scanned.DeploymentId) == 2),
            "the redelivery was answered");
        var again = sink.ReceivedBy(nameof(PublishedProbe)).OfType<ConsumeContext<ImagePublished>>().Last(c => c.Message.DeploymentId == scanned.DeploymentId).Message;
        Assert.Equal(published.SignatureReference, again.SignatureReference);
        Assert.Equal(published.ProvenanceReference, again.ProvenanceReference);
        Assert.Equal(2, (await ReferrersTag.List(store, release, image.Digest, CancellationToken.None)).Count);
        Assert.Equal(2, JsonNode.Parse((await store.GetManifest(release, CosignAttestations.TagFor(image.Digest))).Content)!["layers"]!.AsArray().Count);

        var (other, otherSbom) = await Quarantined(store, agency, "1.1.0", variant: "# rebuilt\n");
        var conflicting = Scanned(store, agency, other, otherSbom);
        await Publish(host, conflicting);
        var refused = (await sink.WaitFor<DeploymentFailed>(nameof(FailedProbe), m => m.DeploymentId == conflicting.DeploymentId, TimeSpan.FromSeconds(60))).Message;
        Assert.Equal(PipelineStage.Publisher, refused.Stage);
        Assert.Contains("immutable", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(image.Digest, (await store.GetManifest(release, "1.1.0")).Digest);
    }

    [Fact]
    public async Task A_registry_failing_at_the_tag_is_retried_then_fails_clearly_and_leaves_no_tag()
    {
        var registry = await servers.Registry();
        var direct = Store(registry);
        var agency = $"faulty-{run}";
        var (image, sbomDigest) = await Quarantined(direct, agency, "2.0.0");
        await using var proxy = await FaultyRegistryProxy.Start(registry, request =>
            request.Method == "PUT" && request.Path.Value!.EndsWith("/manifests/2.0.0", StringComparison.Ordinal) ? HttpStatusCode.BadGateway : null);
        var sink = new MessageSink();
        await using var host = await StartPublisher(proxy.Host, sink);
        var scanned = Scanned(Store(proxy.Host), agency, image, sbomDigest);

        await Publish(host, scanned);
        var failed = (await sink.WaitFor<DeploymentFailed>(nameof(FailedProbe), m => m.DeploymentId == scanned.DeploymentId, TimeSpan.FromSeconds(60))).Message;

        Assert.Contains("502", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(3, proxy.Failed);
        Assert.Null(await direct.FindManifest($"{agency}/haz-fast", "2.0.0"));
        Assert.Empty(sink.ReceivedBy(nameof(PublishedProbe)));
    }

    private static RegistryImageStore Store(string host) =>
        ImageStoreRegistration.CreateRegistryStore(new RegistryOptions { Url = new Uri($"http://{host}") }, NullLogger<RegistryImageStore>.Instance);

    private async Task<(OciImage Image, string SbomDigest)> Quarantined(IImageStore store, string agency, string version, string variant = "")
    {
        var yaml = (await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml"))).Replace("version: 1.1.0", $"version: {version}",
            StringComparison.Ordinal) + variant;
        var policy = PolicyValidator.Validate(yaml).Policy ?? throw new InvalidOperationException(string.Join("; ", PolicyValidator.Validate(yaml).Errors));
        var image = new PolicyImageBuilder().Build(policy, yaml, await ExecutorArtifact.Load(PublishedExecutor.Path), DateTimeOffset.UnixEpoch);
        var repository = $"quarantine/{agency}/haz-fast";
        await store.PushImage(repository, image);
        var (manifest, config, sbom) = CycloneDxSbom.AsArtifact(image, """{"bomFormat":"CycloneDX","specVersion":"1.5"}"""u8.ToArray());
        await store.PutBlob(repository, config);
        await store.PutBlob(repository, sbom);
        await store.PutManifest(repository, manifest);
        var deploymentId = Guid.NewGuid();
        approvedAs[image.Digest] = deploymentId;
        await ApprovalAttestation.Attach(store, repository, image.Manifest, SignedForm.Of(approvals.Sign(approvals.Approve(yaml, deploymentId) with { Agency = agency })));
        return (image, manifest.Digest);
    }

    private ImageScanned Scanned(IImageStore store, string agency, OciImage image, string sbomDigest) => scans.Sign(
        new ImageScanned(approvedAs[image.Digest], DateTimeOffset.UtcNow,
            new DeploymentTarget(agency, "production", "haz-fast", image.Annotations["org.opencontainers.image.version"]!.GetValue<string>()),
            new ImageReference(store.Qualify($"quarantine/{agency}/haz-fast"), image.Digest), Passed: true, Findings: [], sbomDigest));

    private async Task<WebApplication> StartPublisher(string registry, MessageSink sink)
    {
        var rabbit = await servers.RabbitMq();
        var keyFile = Path.Combine(folder, "release.key.pem");
        if (!File.Exists(keyFile))
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await File.WriteAllTextAsync(keyFile, key.ExportECPrivateKeyPem());
            await File.WriteAllTextAsync(Path.Combine(folder, "release.pub.pem"), key.ExportSubjectPublicKeyInfoPem());
        }

        var queue = $"publisher-{run}-{Guid.NewGuid():N}"[..30];
        var settings = new Dictionary<string, string?>([.. rabbit.ServiceSettings(), .. scans.PublisherSettings(folder), .. approvals.TrustedKeySettings(folder, "Publisher")])
        {
            ["Publisher:SigningKeyFile"] = keyFile,
            ["Publisher:Queue"] = queue,
            ["Images:Store"] = "Registry",
            ["Registry:Url"] = $"http://{registry}",
            ["Registry:RetryLimit"] = "2",
            ["Registry:RetryMinDelayMs"] = "20",
        };
        var host = TestHost.Build(settings, bus =>
        {
            bus.AddPublisherStage();
            bus.AddConsumer<PublishedProbe>().Endpoint(e => e.Name = $"{queue}-published");
            bus.AddConsumer<FailedProbe>().Endpoint(e => e.Name = $"{queue}-failed");
        }, sink);
        await host.StartAsync();
        cleanups.Add(new QueueCleanup(rabbit, queue, $"{queue}-published", $"{queue}-failed"));
        return host;
    }

    private static Task Publish(WebApplication host, ImageScanned scanned) => host.Services.GetRequiredService<IPublishEndpoint>().Publish(scanned);
}
