using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bpdp.Builder.Oci;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Policy;
using Bpdp.Publisher;
using Bpdp.Publisher.Referrers;
using Bpdp.Testing;
using Bpdp.Trust.Release;
using Bpdp.UnitTests.Policy;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.UnitTests.Publisher;

/// <summary>The embedded mode: the same promotion, signature and attachments in OCI layouts, tags and referrers in their index.json.</summary>
public sealed class PublisherOnLayoutTests : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-publisher-").FullName;
    private readonly MessageSink sink = new();
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private WebApplication? host;

    public sealed class PublishedProbe(MessageSink sink) : RecordingConsumer<ImagePublished>(sink);

    private string Images => Path.Combine(folder, "images");

    public async Task InitializeAsync()
    {
        var keyFile = Path.Combine(folder, "release.key.pem");
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
        host = TestHost.Build(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Images:Store"] = "Layout",
            ["Images:LayoutRoot"] = Images,
            ["Publisher:SigningKeyFile"] = keyFile,
        }, bus =>
        {
            bus.AddPublisherStage();
            bus.AddConsumer<PublishedProbe>();
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
        Directory.Delete(folder, recursive: true);
    }

    private async Task<OciImage> Quarantine(string version)
    {
        var yaml = PolicyExamples.HazFast(version);
        var image = new PolicyImageBuilder().Build(PolicyValidator.Validate(yaml).Policy!, yaml, new ExecutorArtifact([1, 2, 3]), DateTimeOffset.UnixEpoch);
        await new OciLayoutImageStore(Images).PushImage("quarantine/osha/haz-fast", image);
        return image;
    }

    private static ImageScanned Scanned(OciImage image, string version, bool passed) =>
        new(Guid.NewGuid(), DateTimeOffset.UtcNow, new DeploymentTarget("osha", "production", "haz-fast", version),
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
        Assert.Contains(await ReferrersTag.List(store, "osha/haz-fast", accepted.Digest, CancellationToken.None), r => r.ArtifactType == "application/vnd.in-toto+json");
        Assert.True(File.Exists(layout.BlobPath(accepted.Layers[0].Digest)));
    }
}
