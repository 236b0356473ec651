using Bpdp.IntegrationTests.Servers;
using Bpdp.Testing;

namespace Bpdp.IntegrationTests.Distributed;

/// <summary>
/// `bpdp up` on the real servers for one test run: every stage's queue named for the run, the registry, a
/// PostgreSQL schema for the sagas, a SQLite ledger and the release and ledger keys written to the run's folder.
/// </summary>
internal sealed class UpSettings
{
    private UpSettings(string[] queues, Dictionary<string, string?> settings)
    {
        Queues = queues;
        Settings = settings;
    }

    /// <summary>The stages' queues, in the order Builder, Scanner, Publisher, Rollout, KpiGate, Ledger, Coordinator, Notifier, Console.</summary>
    public string[] Queues { get; }

    public string CoordinatorQueue => Queues[6];

    public string RolloutQueue => Queues[3];

    public Dictionary<string, string?> Settings { get; }

    public string LedgerPath => Settings["Ledger:SqlitePath"]!;

    /// <param name="approvalKeys">The trusted-key settings of the Builder, the Coordinator and the Rollout.</param>
    public static async Task<UpSettings> Create(RabbitMqServer rabbit, string registry, string postgres, string folder, string run,
        IReadOnlyDictionary<string, string?> approvalKeys)
    {
        ArgumentNullException.ThrowIfNull(rabbit);
        using (var release = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "release.key.pem"), release.ExportECPrivateKeyPem());
            await File.WriteAllTextAsync(Path.Combine(folder, "release.pub.pem"), release.ExportSubjectPublicKeyInfoPem());
            await File.WriteAllTextAsync(Path.Combine(folder, "ledger.key.pem"), release.ExportECPrivateKeyPem());
        }

        using (var scanner = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "scanner.key.pem"), scanner.ExportECPrivateKeyPem());
            await File.WriteAllTextAsync(Path.Combine(folder, "scanner.pub.pem"), scanner.ExportSubjectPublicKeyInfoPem());
        }

        string[] queues = [$"builder-{run}", $"scanner-{run}", $"publisher-{run}", $"rollout-{run}", $"kpi-gate-{run}", $"ledger-{run}", $"coordinator-{run}", $"notifier-{run}", $"console-{run}"];
        var settings = new Dictionary<string, string?>([.. rabbit.ServiceSettings(), .. approvalKeys])
        {
            ["Builder:Queue"] = queues[0],
            ["Scanner:Queue"] = queues[1],
            ["Publisher:Queue"] = queues[2],
            ["Rollout:Queue"] = queues[3],
            ["KpiGate:Queue"] = queues[4],
            ["Ledger:Queue"] = queues[5],
            ["Coordinator:Queue"] = queues[6],
            ["Notifier:Queue"] = queues[7],
            ["Console:Queue"] = queues[8],
            ["Notifier:ConnectionString"] = $"Data Source={Path.Combine(folder, "notifier.db")}",
            ["Builder:ExecutorBinary"] = PublishedExecutor.Path,
            ["Images:Store"] = "Registry",
            ["Registry:Url"] = $"http://{registry}",
            ["Scanner:SigningKeyFile"] = Path.Combine(folder, "scanner.key.pem"),
            ["Scanner:SigningKeyId"] = "scanner",
            ["Publisher:SigningKeyFile"] = Path.Combine(folder, "release.key.pem"),
            ["Publisher:ScannerKeys:scanner:PublicKeyFile"] = Path.Combine(folder, "scanner.pub.pem"),
            ["Publisher:ReleaseRepositoryPrefix"] = $"e2e-{run}",
            ["Rollout:ReleaseKeys:release:PublicKeyFile"] = Path.Combine(folder, "release.pub.pem"),
            ["Rollout:ScannerKeys:scanner:PublicKeyFile"] = Path.Combine(folder, "scanner.pub.pem"),
            ["Rollout:Runner"] = "Process",
            ["Rollout:WorkDirectory"] = Path.Combine(folder, "rollout"),
            ["Rollout:ScaleDownDelaySeconds"] = "1",
            ["KpiGate:Source"] = "Scrape",
            ["KpiGate:MaxIntervalSeconds"] = "1",
            ["KpiGate:MaxSoakSeconds"] = "3",
            ["Ledger:Store"] = "Sqlite",
            ["Ledger:SqlitePath"] = Path.Combine(folder, "ledger.db"),
            ["Ledger:SigningKeyFile"] = Path.Combine(folder, "ledger.key.pem"),
            ["KpiGate:Store"] = "Postgres",
            ["KpiGate:ConnectionString"] = postgres,
            ["KpiGate:Schema"] = $"kpigate_{run}",
            ["Coordinator:Store"] = "Postgres",
            ["Coordinator:ConnectionString"] = postgres,
            ["Coordinator:Schema"] = $"coordinator_{run}",
        };
        return new UpSettings(queues, settings);
    }
}
