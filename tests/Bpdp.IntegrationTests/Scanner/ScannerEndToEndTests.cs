using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bpdp.Builder.Oci;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Images.Registry;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Images;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Policy;
using Bpdp.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.IntegrationTests.Scanner;

/// <summary>
/// The Scanner service as its own process on the real RabbitMQ and the real registry, with the Ledger beside it:
/// a planted secret blocks the image, the SBOM lands beside it as an OCI artifact, and the secret appears in no
/// event, no ledger entry and no log line. `bpdp scan` gives the same verdict on the registry and on a layout.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class ScannerEndToEndTests(RealServers servers) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-scanner-e2e-").FullName;

    public sealed class ScannedProbe(MessageSink sink) : RecordingConsumer<ImageScanned>(sink);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task A_planted_secret_blocks_the_image_and_appears_in_no_event_ledger_entry_or_log()
    {
        var rabbit = await servers.RabbitMq();
        var registry = await servers.Registry();
        var run = Guid.NewGuid().ToString("N")[..8];
        var secret = "ghp_" + new string([.. RandomNumberGenerator.GetItems<char>("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36)]);
        var store = ImageStoreRegistration.CreateRegistryStore(new RegistryOptions { Url = new Uri($"http://{registry}") }, NullLogger<RegistryImageStore>.Instance);
        var repository = $"quarantine/scan-{run}/haz-fast";
        var image = await ImageWithPlantedFile("etc/app/git.env", $"# deploy credentials\nGH_TOKEN={secret}\n");
        await store.PushImage(repository, image);

        var ledgerKey = Path.Combine(folder, "ledger.key.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(ledgerKey, key.ExportECPrivateKeyPem());
        }

        await using var cleanup = new QueueCleanup(rabbit, $"scanner-{run}", $"ledger-{run}", $"probe-scanned-{run}");
        var sink = new MessageSink();
        await using var probes = TestHost.Build(rabbit.ServiceSettings(), bus => bus.AddConsumer<ScannedProbe>().Endpoint(e => e.Name = $"probe-scanned-{run}"), sink);
        await probes.StartAsync();
        await using var ledger = await ServiceProcess.Start("Bpdp.Ledger.dll", FreeTcpPort.Next(), new Dictionary<string, string?>(rabbit.ServiceSettings())
        {
            ["Ledger:Store"] = "Sqlite",
            ["Ledger:SqlitePath"] = Path.Combine(folder, "ledger.db"),
            ["Ledger:SigningKeyFile"] = ledgerKey,
            ["Ledger:Queue"] = $"ledger-{run}",
        });
        using var signing = new ScanSigning();
        await using var scanner = await ServiceProcess.Start("Bpdp.Scanner.dll", FreeTcpPort.Next(), new Dictionary<string, string?>([.. rabbit.ServiceSettings(), .. signing.ScannerSettings(folder)])
        {
            ["Scanner:Queue"] = $"scanner-{run}",
            ["Scanner:OsvDatabase"] = Path.Combine(RepositoryRoot.Path, "tests", "fixtures", "osv"),
            ["Images:Store"] = "Registry",
            ["Registry:Url"] = $"http://{registry}",
        });

        var deployment = Guid.NewGuid();
        await probes.Services.GetRequiredService<IPublishEndpoint>().Publish(new ImageBuilt(deployment, DateTimeOffset.UtcNow, new DeploymentTarget("osha", "production", "haz-fast", "1.1.0"),
            new ImageReference(store.Qualify(repository), image.Digest), image.Size, [.. image.Layers.Select(l => l.Digest)], TimeSpan.FromMilliseconds(5)));
        var scanned = await sink.WaitFor<ImageScanned>(nameof(ScannedProbe), m => m.DeploymentId == deployment, TimeSpan.FromSeconds(60));

        Assert.False(scanned.Message.Passed);
        var finding = Assert.Single(scanned.Message.Findings, f => f.RuleId == "github-pat");
        Assert.Equal(("etc/app/git.env", 2, "GH_TOKEN=*****"), (finding.Path, finding.Line, finding.Excerpt));
        Assert.Contains(scanned.Message.Findings, f => f.RuleId == "BPDP-TEST-2026-0001" && f.Category == "vulnerability");

        var sbomManifest = JsonNode.Parse((await store.GetManifest(repository, scanned.Message.SbomDigest!)).Content)!;
        Assert.Equal("application/vnd.cyclonedx+json", sbomManifest["artifactType"]!.GetValue<string>());
        Assert.Equal(image.Digest, sbomManifest["subject"]!["digest"]!.GetValue<string>());
        var sbom = JsonNode.Parse(await store.GetBlob(repository, sbomManifest["layers"]![0]!["digest"]!.GetValue<string>()))!;
        Assert.Contains(sbom["components"]!.AsArray(), c => c!["purl"]?.GetValue<string>() == "pkg:nuget/YamlDotNet@18.1.0");

        using var http = new HttpClient { BaseAddress = ledger.HttpAddress };
        var export = "";
        await Eventually.Holds(async () =>
        {
            export = await http.GetStringAsync(new Uri("/v1/export", UriKind.Relative));
            return export.Contains(deployment.ToString(), StringComparison.Ordinal) && export.Contains("ImageScanned", StringComparison.Ordinal);
        }, "the ledger recorded the scan");
        Assert.DoesNotContain(secret, export, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, scanner.Log, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, System.Text.Json.JsonSerializer.Serialize(scanned.Message, ContractJson.Options), StringComparison.Ordinal);

        var (exit, sarif) = await Cli("scan", $"{store.Qualify(repository)}@{image.Digest}", "--plain-http", "--output", "sarif");
        Assert.Equal(1, exit);
        Assert.Contains(JsonNode.Parse(sarif)!["runs"]![0]!["results"]!.AsArray(), r => r!["ruleId"]!.GetValue<string>() == "github-pat" && r["level"]!.GetValue<string>() == "error");
        Assert.DoesNotContain(secret, sarif, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bpdp_scan_passes_a_clean_image_in_a_layout_and_blocks_it_in_the_registry_with_the_vulnerability_database()
    {
        var registry = await servers.Registry();
        var image = await ImageWithPlantedFile("etc/app/motd", "Welcome to the OSHA policy service.\n");
        var layout = Path.Combine(folder, "layout");
        await new OciLayout(layout).Push(image, "1.1.0");
        var store = ImageStoreRegistration.CreateRegistryStore(new RegistryOptions { Url = new Uri($"http://{registry}") }, NullLogger<RegistryImageStore>.Instance);
        var repository = $"quarantine/scan-{Guid.NewGuid():N}"[..30] + "/haz-fast";
        await store.PushImage(repository, image, "1.1.0");

        var (clean, table) = await Cli("scan", layout);
        var (blocked, json) = await Cli("scan", $"{store.Qualify(repository)}:1.1.0", "--plain-http", "--output", "json", "--osv-db", Path.Combine(RepositoryRoot.Path, "tests", "fixtures", "osv"));

        Assert.Equal(0, clean);
        Assert.Contains("no findings", table, StringComparison.Ordinal);
        Assert.Equal(1, blocked);
        Assert.Contains(JsonNode.Parse(json)!["findings"]!.AsArray(), f => f!["ruleId"]!.GetValue<string>() == "BPDP-TEST-2026-0001" && f["blocking"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_new_version_is_scanned_reading_only_its_new_layers_from_the_registry()
    {
        var rabbit = await servers.RabbitMq();
        var registry = await servers.Registry();
        var run = Guid.NewGuid().ToString("N")[..8];
        var store = ImageStoreRegistration.CreateRegistryStore(new RegistryOptions { Url = new Uri($"http://{registry}") }, NullLogger<RegistryImageStore>.Instance);
        var repository = $"quarantine/layers-{run}/haz-fast";
        var first = await ImageWithPlantedFile("etc/app/settings.conf", "harmless = true\n", "v1.0.0.yaml");
        var second = await ImageWithPlantedFile("etc/app/settings.conf", "harmless = true\n", "v1.1.0.yaml");
        await store.PushImage(repository, first);
        await store.PushImage(repository, second);
        var shared = second.Layers.Count(l => first.Layers.Any(f => f.Digest == l.Digest));
        Assert.True(shared > 0 && shared < second.Layers.Count, $"the versions share {shared} of {second.Layers.Count} layers");

        await using var cleanup = new QueueCleanup(rabbit, $"scanner-{run}", $"probe-scanned-{run}");
        var sink = new MessageSink();
        await using var probes = TestHost.Build(rabbit.ServiceSettings(), bus => bus.AddConsumer<ScannedProbe>().Endpoint(e => e.Name = $"probe-scanned-{run}"), sink);
        await probes.StartAsync();
        using var signing = new ScanSigning();
        await using var scanner = await ServiceProcess.Start("Bpdp.Scanner.dll", FreeTcpPort.Next(), new Dictionary<string, string?>([.. rabbit.ServiceSettings(), .. signing.ScannerSettings(folder)])
        {
            ["Scanner:Queue"] = $"scanner-{run}",
            ["Images:Store"] = "Registry",
            ["Registry:Url"] = $"http://{registry}",
        });

        foreach (var (image, version) in new[] { (first, "1.0.0"), (second, "1.1.0") })
        {
            var deployment = Guid.NewGuid();
            await probes.Services.GetRequiredService<IPublishEndpoint>().Publish(new ImageBuilt(deployment, DateTimeOffset.UtcNow, new DeploymentTarget("osha", "production", "haz-fast", version),
                new ImageReference(store.Qualify(repository), image.Digest), image.Size, [.. image.Layers.Select(l => l.Digest)], TimeSpan.FromMilliseconds(5)));
            var scanned = await sink.WaitFor<ImageScanned>(nameof(ScannedProbe), m => m.DeploymentId == deployment, TimeSpan.FromSeconds(60));
            Assert.True(scanned.Message.Passed, string.Join("; ", scanned.Message.Findings.Select(f => f.Message)));
        }

        using var http = new HttpClient { BaseAddress = scanner.HttpAddress };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(first.Layers.Count + second.Layers.Count - shared, Counted(metrics, "pulled"));
        Assert.Equal(shared, Counted(metrics, "cached"));
    }

    private static double Counted(string metrics, string source) => metrics.Split('\n')
        .Where(l => l.StartsWith($"bpdp_scanner_layers_total{{source=\"{source}\"}}", StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The real executor's policy image on a one-layer base that holds the planted file.</summary>
    private async Task<OciImage> ImageWithPlantedFile(string path, string content, string example = "v1.1.0.yaml")
    {
        var rootfs = Path.Combine(folder, $"rootfs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(rootfs, Path.GetDirectoryName(path)!));
        await File.WriteAllTextAsync(Path.Combine(rootfs, path), content);
        var baseImage = BaseImageBuilder.FromRootfs(rootfs, "test", DateTimeOffset.UnixEpoch);
        var yaml = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", example));
        return new PolicyImageBuilder().Build(PolicyValidator.Validate(yaml).Policy!, yaml, await ExecutorArtifact.Load(PublishedExecutor.Path), DateTimeOffset.UnixEpoch, baseImage);
    }

    private static async Task<(int Exit, string Output)> Cli(params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "bpdp.dll"), .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode is 0 or 1, $"bpdp {string.Join(' ', arguments)} exited {process.ExitCode}: {await errors}");
        return (process.ExitCode, await output);
    }
}
