using System.Security.Cryptography;
using Bpdp.Builder.Oci;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Policy;
using Bpdp.Scanner;
using Bpdp.Testing;
using Bpdp.Trust.Scans;
using Bpdp.UnitTests.Policy;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bpdp.UnitTests.Scanner;

/// <summary>The Scanner signs every verdict it publishes with its key, and does not start without a private key it can use.</summary>
public sealed class VerdictSigningTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-scanner-signing-").FullName;
    private readonly ScanSigning scans = new();

    public sealed class ScannedProbe(MessageSink sink) : RecordingConsumer<ImageScanned>(sink);

    public void Dispose()
    {
        scans.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private Dictionary<string, string?> Settings(Dictionary<string, string?> signing) => new(signing)
    {
        ["Bus:Transport"] = "InMemory",
        ["Images:Store"] = "Layout",
        ["Images:LayoutRoot"] = Path.Combine(folder, "images"),
    };

    [Fact]
    public async Task The_verdict_the_scanner_publishes_verifies_with_its_public_key()
    {
        var yaml = PolicyExamples.HazFast("1.1.0");
        var image = new PolicyImageBuilder().Build(PolicyValidator.Validate(yaml).Policy!, yaml, new ExecutorArtifact([1, 2, 3]), DateTimeOffset.UnixEpoch);
        await new OciLayoutImageStore(Path.Combine(folder, "images")).PushImage("quarantine/osha/haz-fast", image);
        var sink = new MessageSink();
        await using var host = TestHost.Build(Settings(scans.ScannerSettings(folder)), bus =>
        {
            bus.AddScannerStage();
            bus.AddConsumer<ScannedProbe>();
        }, sink);
        await host.StartAsync();
        var deployment = Guid.NewGuid();

        await host.Services.GetRequiredService<IPublishEndpoint>().Publish(new ImageBuilt(deployment, DateTimeOffset.UtcNow, new DeploymentTarget("osha", "production", "haz-fast", "1.1.0"),
            new ImageReference("quarantine/osha/haz-fast", image.Digest), image.Size, [.. image.Layers.Select(l => l.Digest)], TimeSpan.FromMilliseconds(5)));
        var scanned = (await sink.WaitFor<ImageScanned>(nameof(ScannedProbe), m => m.DeploymentId == deployment)).Message;

        Assert.Equal(ScanSigning.KeyId, scanned.ScannerKeyId);
        using var keys = ScannerKeyRing.Load("Publisher:ScannerKeys", new Dictionary<string, ScannerKeyOptions>
        {
            [ScanSigning.KeyId] = new() { PublicKeyFile = scans.WritePublicKey(folder) },
        });
        var check = new ScanVerdictEvidence(keys, TimeProvider.System).Check(scanned);
        Assert.True(check.IsVerified, check.Message);
    }

    [Fact]
    public async Task A_scanner_without_a_signing_key_does_not_start()
    {
        var settings = Settings(new() { ["Scanner:SigningKeyId"] = ScanSigning.KeyId });

        Assert.Contains("Scanner:SigningKeyFile is required: a PEM ECDSA P-256 private key that signs scan verdicts", await StartFailure(settings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scanner_given_a_public_key_to_sign_with_does_not_start()
    {
        var path = scans.WritePublicKey(folder);
        var settings = Settings(new() { ["Scanner:SigningKeyFile"] = path, ["Scanner:SigningKeyId"] = ScanSigning.KeyId });

        Assert.Contains($"Scanner:SigningKeyFile '{path}' holds a public key; it must be the private key.", await StartFailure(settings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scanner_whose_key_is_on_another_256_bit_curve_does_not_start()
    {
        using var k1 = ECDsa.Create(ECCurve.CreateFromFriendlyName("secP256k1"));
        var path = Path.Combine(folder, "scanner.key.pem");
        await File.WriteAllTextAsync(path, k1.ExportPkcs8PrivateKeyPem());
        var settings = Settings(new() { ["Scanner:SigningKeyFile"] = path, ["Scanner:SigningKeyId"] = ScanSigning.KeyId });

        Assert.Contains($"Scanner:SigningKeyFile '{path}' is a key on secP256k1; scan verdicts are signed with ECDSA P-256.", await StartFailure(settings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scanner_without_a_key_id_does_not_start()
    {
        var settings = Settings(new() { ["Scanner:SigningKeyFile"] = scans.WritePrivateKey(folder) });

        Assert.Contains("Scanner:SigningKeyId is required: the id the Publisher trusts the Scanner's public key under (Publisher:ScannerKeys:<id>).",
            await StartFailure(settings), StringComparison.Ordinal);
    }

    private static async Task<string> StartFailure(Dictionary<string, string?> settings)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = TestHost.Build(settings, bus => bus.AddScannerStage());
            await host.StartAsync();
        });
        return error.Message;
    }
}
