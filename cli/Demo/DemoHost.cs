using System.Security.Cryptography;
using Bpdp.Builder;
using Bpdp.Coordinator;
using Bpdp.KpiGate;
using Bpdp.Ledger;
using Bpdp.Platform.Hosting;
using Bpdp.Publisher;
using Bpdp.Rollout;
using Bpdp.Scanner;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bpdp.Cli.Demo;

/// <summary>
/// Every stage in one process, in the embedded mode: in-memory bus, SQLite ledger, OCI-layout image store,
/// local blue/green executors behind the proxy, KPIs scraped directly. Keys are made fresh in the work directory.
/// </summary>
public static class DemoHost
{
    public const string ApproverKeyId = "demo-approvals";

    public static WebApplication Build(string workdir, string executorBinary, ECDsa approvalKey, DemoRecorder recorder, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(approvalKey);
        var keys = Directory.CreateDirectory(Path.Combine(workdir, "keys")).FullName;
        var approverPublic = Path.Combine(keys, "approvals.pub.pem");
        File.WriteAllText(approverPublic, approvalKey.ExportSubjectPublicKeyInfoPem());
        var releaseKey = WriteKey(Path.Combine(keys, "release.key.pem"));
        var ledgerKey = WriteKey(Path.Combine(keys, "ledger.key.pem"));

        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(null, LogLevel.Error);
        Directory.CreateDirectory(Path.Combine(workdir, "logs"));
        builder.Logging.AddProvider(new FileLoggerProvider(Path.Combine(workdir, "logs", "bpdp-demo.log")));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Service:HttpAddress"] = "127.0.0.1",
            ["Service:HttpPort"] = "0",
            ["Bus:Transport"] = "InMemory",
            ["Images:Store"] = "Layout",
            ["Images:LayoutRoot"] = Path.Combine(workdir, "images"),
            ["Builder:ExecutorBinary"] = executorBinary,
            [$"Builder:TrustedKeys:{ApproverKeyId}"] = approverPublic,
            ["Publisher:SigningKeyFile"] = releaseKey,
            ["Rollout:Runner"] = "InProcess",
            ["Rollout:WorkDirectory"] = Path.Combine(workdir, "rollout"),
            ["Rollout:ScaleDownDelaySeconds"] = "2",
            ["KpiGate:Source"] = "Scrape",
            ["KpiGate:MaxIntervalSeconds"] = "2",
            ["KpiGate:MaxSoakSeconds"] = "4",
            ["Ledger:Store"] = "Sqlite",
            ["Ledger:SqlitePath"] = Path.Combine(workdir, "ledger.db"),
            ["Ledger:SigningKeyFile"] = ledgerKey,
        });
        builder.Configuration.AddInMemoryCollection(overrides ?? new Dictionary<string, string?>());
        builder.Services.AddSingleton(recorder);
        builder.AddBpdpService("bpdp-demo", bus =>
        {
            bus.AddBuilderStage();
            bus.AddScannerStage();
            bus.AddPublisherStage();
            bus.AddRolloutStage();
            bus.AddKpiGateStage();
            bus.AddLedgerStage();
            bus.AddCoordinatorStage();
            DemoRecorder.Register(bus);
        });
        var app = builder.Build();
        app.MapBpdpEndpoints();
        return app;
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
}
