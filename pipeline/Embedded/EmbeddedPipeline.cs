using System.Security.Cryptography;
using Bpdp.Pipeline.Observing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.Pipeline.Embedded;

/// <summary>
/// Every stage in one process, in the embedded mode: in-memory bus, SQLite ledger, OCI-layout image store,
/// local blue/green executors behind the proxy, KPIs scraped directly. Keys are made fresh in the work directory; the
/// Publisher trusts the public half of the Scanner's key, the Rollout those of the release, approval and Scanner keys.
/// The public halves stay in <c>keys/</c> (<c>release.pub.pem</c>, <c>approvals.pub.pem</c>, <c>scanner.pub.pem</c>) for
/// <c>bpdp verify --workdir</c>.
/// </summary>
public static class EmbeddedPipeline
{
    public const string ApproverKeyId = "demo-approvals";
    public const string ReleaseKeyId = "demo-release";
    public const string ScannerKeyId = "demo-scanner";

    /// <param name="workdir">Where the ledger, the image store, the keys and the rollout's files live.</param>
    /// <param name="executorBinary">The executor that goes into every image.</param>
    /// <param name="approvalKey">The approval system's key; its public half becomes the Builder's trusted key <see cref="ApproverKeyId"/>.</param>
    /// <param name="recorder">Records every message of the pipeline's bus.</param>
    /// <param name="overrides">Settings over the embedded defaults.</param>
    /// <param name="configure">Adjusts the host before it is built, e.g. its logging.</param>
    public static WebApplication Build(string workdir, string executorBinary, ECDsa approvalKey, PipelineRecorder recorder,
        IReadOnlyDictionary<string, string?>? overrides = null, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(approvalKey);
        var keys = Directory.CreateDirectory(Path.Combine(workdir, "keys")).FullName;
        var approverPublic = Path.Combine(keys, "approvals.pub.pem");
        File.WriteAllText(approverPublic, approvalKey.ExportSubjectPublicKeyInfoPem());
        var releaseKey = WriteKey(Path.Combine(keys, "release.key.pem"));
        var releasePublic = WritePublicKey(releaseKey, Path.Combine(keys, "release.pub.pem"));
        var scannerKey = WriteKey(Path.Combine(keys, "scanner.key.pem"));
        var scannerPublic = WritePublicKey(scannerKey, Path.Combine(keys, "scanner.pub.pem"));
        var ledgerKey = WriteKey(Path.Combine(keys, "ledger.key.pem"));

        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Service:HttpAddress"] = "127.0.0.1",
            ["Service:HttpPort"] = "0",
            ["Bus:Transport"] = "InMemory",
            ["Images:Store"] = "Layout",
            ["Images:LayoutRoot"] = Path.Combine(workdir, "images"),
            ["Builder:ExecutorBinary"] = executorBinary,
            [$"Builder:TrustedKeys:{ApproverKeyId}:PublicKeyFile"] = approverPublic,
            [$"Builder:TrustedKeys:{ApproverKeyId}:Agencies:0"] = "osha",
            [$"Builder:TrustedKeys:{ApproverKeyId}:Environments:0"] = "*",
            [$"Coordinator:TrustedKeys:{ApproverKeyId}:PublicKeyFile"] = approverPublic,
            [$"Coordinator:TrustedKeys:{ApproverKeyId}:Agencies:0"] = "osha",
            [$"Coordinator:TrustedKeys:{ApproverKeyId}:Environments:0"] = "*",
            ["Scanner:SigningKeyFile"] = scannerKey,
            ["Scanner:SigningKeyId"] = ScannerKeyId,
            ["Publisher:SigningKeyFile"] = releaseKey,
            [$"Publisher:ScannerKeys:{ScannerKeyId}:PublicKeyFile"] = scannerPublic,
            [$"Rollout:ReleaseKeys:{ReleaseKeyId}:PublicKeyFile"] = releasePublic,
            [$"Rollout:TrustedKeys:{ApproverKeyId}:PublicKeyFile"] = approverPublic,
            [$"Rollout:TrustedKeys:{ApproverKeyId}:Agencies:0"] = "osha",
            [$"Rollout:TrustedKeys:{ApproverKeyId}:Environments:0"] = "*",
            [$"Publisher:TrustedKeys:{ApproverKeyId}:PublicKeyFile"] = approverPublic,
            [$"Publisher:TrustedKeys:{ApproverKeyId}:Agencies:0"] = "osha",
            [$"Publisher:TrustedKeys:{ApproverKeyId}:Environments:0"] = "*",
            [$"Rollout:ScannerKeys:{ScannerKeyId}:PublicKeyFile"] = scannerPublic,
            ["Rollout:Runner"] = "InProcess",
            ["Rollout:WorkDirectory"] = Path.Combine(workdir, "rollout"),
            ["Rollout:ScaleDownDelaySeconds"] = "2",
            ["KpiGate:Source"] = "Scrape",
            ["KpiGate:Store"] = "Sqlite",
            ["KpiGate:ConnectionString"] = $"Data Source={Path.Combine(workdir, "kpigate.db")}",
            [$"KpiGate:TrustedKeys:{ApproverKeyId}:PublicKeyFile"] = approverPublic,
            [$"KpiGate:TrustedKeys:{ApproverKeyId}:Agencies:0"] = "osha",
            [$"KpiGate:TrustedKeys:{ApproverKeyId}:Environments:0"] = "*",
            ["KpiGate:MaxIntervalSeconds"] = "2",
            ["KpiGate:MaxSoakSeconds"] = "4",
            ["Notifier:ConnectionString"] = $"Data Source={Path.Combine(workdir, "notifier.db")}",
            ["Ledger:Store"] = "Sqlite",
            ["Ledger:SqlitePath"] = Path.Combine(workdir, "ledger.db"),
            ["Ledger:SigningKeyFile"] = ledgerKey,
        });
        builder.Configuration.AddInMemoryCollection(DemoConsole.Settings(workdir, keys));
        builder.Configuration.AddInMemoryCollection(overrides ?? new Dictionary<string, string?>());
        builder.Services.AddSingleton(recorder);
        configure?.Invoke(builder);
        return PipelineHost.Build(builder, "bpdp-demo", bus => PipelineRecorder.Register(bus));
    }

    private static string WriteKey(string path)
    {
        if (!File.Exists(path))
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            File.WriteAllText(path, key.ExportECPrivateKeyPem());
        }

        return path;
    }

    private static string WritePublicKey(string privateKeyPath, string path)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(privateKeyPath));
        File.WriteAllText(path, key.ExportSubjectPublicKeyInfoPem());
        return path;
    }
}
