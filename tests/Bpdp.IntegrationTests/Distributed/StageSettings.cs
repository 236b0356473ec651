using System.Security.Cryptography;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Images.Registry;
using Bpdp.IntegrationTests.Ledger;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.IntegrationTests.Distributed;

/// <summary>The settings of every stage run as its own process on the real servers, with keys of their own.</summary>
public static class StageSettings
{
    /// <summary>
    /// Writes the release, Scanner and ledger keys into <paramref name="folder"/>, pushes the base image, and returns
    /// every stage's settings with queues and schemas of their own for <paramref name="run"/>.
    /// </summary>
    public static async Task<Dictionary<string, string?>> Write(string folder, string run, RabbitMqServer rabbit, string registry, PrometheusServer prometheus,
        LedgerDatabase ledger, ApprovalSigning approvals, Task<string> postgres)
    {
        ArgumentNullException.ThrowIfNull(rabbit);
        ArgumentNullException.ThrowIfNull(prometheus);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(approvals);
        ArgumentNullException.ThrowIfNull(postgres);
        using (var release = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "release.key.pem"), release.ExportECPrivateKeyPem());
            await File.WriteAllTextAsync(Path.Combine(folder, "release.pub.pem"), release.ExportSubjectPublicKeyInfoPem());
        }

        using (var scanner = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "scanner.key.pem"), scanner.ExportECPrivateKeyPem());
            await File.WriteAllTextAsync(Path.Combine(folder, "scanner.pub.pem"), scanner.ExportSubjectPublicKeyInfoPem());
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "ledger.key.pem"), ledger.Key.ExportECPrivateKeyPem());
        await File.WriteAllTextAsync(Path.Combine(folder, "ledger.pub.pem"), ledger.Key.ExportSubjectPublicKeyInfoPem());
        var store = ImageStoreRegistration.CreateRegistryStore(new RegistryOptions { Url = new Uri($"http://{registry}") }, NullLogger<RegistryImageStore>.Instance);
        var baseImage = await new OciLayout(BaseImageLayout.Path).Pull("latest");
        await store.PushImage("bpdp/base", baseImage);
        return new Dictionary<string, string?>(rabbit.ServiceSettings())
        {
            ["Builder:Queue"] = $"builder-{run}",
            ["Scanner:Queue"] = $"scanner-{run}",
            ["Publisher:Queue"] = $"publisher-{run}",
            ["Rollout:Queue"] = $"rollout-{run}",
            ["KpiGate:Queue"] = $"kpi-gate-{run}",
            ["Ledger:Queue"] = $"ledger-{run}",
            ["Coordinator:Queue"] = $"coordinator-{run}",
            ["Notifier:Queue"] = $"notifier-{run}",
            ["Console:Queue"] = $"console-{run}",
            ["Builder:ExecutorBinary"] = PublishedExecutor.Path,
            ["Builder:BaseImage"] = $"bpdp/base@{baseImage.Digest}",
            [$"Builder:TrustedKeys:{ApprovalSigning.KeyId}:PublicKeyFile"] = approvals.WritePublicKey(folder),
            [$"Builder:TrustedKeys:{ApprovalSigning.KeyId}:Agencies:0"] = "*",
            [$"Builder:TrustedKeys:{ApprovalSigning.KeyId}:Environments:0"] = "*",
            [$"KpiGate:TrustedKeys:{ApprovalSigning.KeyId}:PublicKeyFile"] = approvals.WritePublicKey(folder),
            [$"KpiGate:TrustedKeys:{ApprovalSigning.KeyId}:Agencies:0"] = "*",
            [$"KpiGate:TrustedKeys:{ApprovalSigning.KeyId}:Environments:0"] = "*",
            [$"Coordinator:TrustedKeys:{ApprovalSigning.KeyId}:PublicKeyFile"] = approvals.WritePublicKey(folder),
            [$"Coordinator:TrustedKeys:{ApprovalSigning.KeyId}:Agencies:0"] = "*",
            [$"Coordinator:TrustedKeys:{ApprovalSigning.KeyId}:Environments:0"] = "*",
            [$"Publisher:TrustedKeys:{ApprovalSigning.KeyId}:PublicKeyFile"] = approvals.WritePublicKey(folder),
            [$"Publisher:TrustedKeys:{ApprovalSigning.KeyId}:Agencies:0"] = "*",
            [$"Publisher:TrustedKeys:{ApprovalSigning.KeyId}:Environments:0"] = "*",
            ["Images:Store"] = "Registry",
            ["Registry:Url"] = $"http://{registry}",
            ["Scanner:SigningKeyFile"] = Path.Combine(folder, "scanner.key.pem"),
            ["Scanner:SigningKeyId"] = "scanner",
            ["Publisher:SigningKeyFile"] = Path.Combine(folder, "release.key.pem"),
            ["Publisher:ScannerKeys:scanner:PublicKeyFile"] = Path.Combine(folder, "scanner.pub.pem"),
            ["Publisher:ReleaseRepositoryPrefix"] = $"e2e-{run}",
            ["Rollout:ReleaseKeys:release:PublicKeyFile"] = Path.Combine(folder, "release.pub.pem"),
            [$"Rollout:TrustedKeys:{ApprovalSigning.KeyId}:PublicKeyFile"] = approvals.WritePublicKey(folder),
            [$"Rollout:TrustedKeys:{ApprovalSigning.KeyId}:Agencies:0"] = "*",
            [$"Rollout:TrustedKeys:{ApprovalSigning.KeyId}:Environments:0"] = "*",
            ["Rollout:ScannerKeys:scanner:PublicKeyFile"] = Path.Combine(folder, "scanner.pub.pem"),
            ["Rollout:Runner"] = "Process",
            ["Rollout:WorkDirectory"] = Path.Combine(folder, "rollout"),
            ["Rollout:ScaleDownDelaySeconds"] = "1",
            ["Rollout:ScrapeTargetsDirectory"] = prometheus.TargetsFolder,
            ["KpiGate:Source"] = "Prometheus",
            ["KpiGate:PrometheusUrl"] = prometheus.BaseAddress.ToString(),
            ["KpiGate:RateWindowSeconds"] = "3",
            ["KpiGate:MaxIntervalSeconds"] = "2",
            ["KpiGate:MaxSoakSeconds"] = "4",
            ["Ledger:Store"] = "Postgres",
            ["Ledger:ConnectionString"] = ledger.ServiceConnectionString,
            ["Ledger:Schema"] = ledger.Schema,
            ["Ledger:SigningKeyFile"] = Path.Combine(folder, "ledger.key.pem"),
            ["KpiGate:Store"] = "Postgres",
            ["KpiGate:ConnectionString"] = await postgres,
            ["KpiGate:Schema"] = $"kpigate_{run}",
            ["Coordinator:Store"] = "Postgres",
            ["Coordinator:ConnectionString"] = await postgres,
            ["Coordinator:Schema"] = $"coordinator_{run}",
            ["Notifier:Store"] = "Postgres",
            ["Notifier:ConnectionString"] = await postgres,
            ["Notifier:Schema"] = $"notifier_{run}",
        };
    }
}
