using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.IntegrationTests.Distributed;

/// <summary>
/// The pipeline as operators run it: `bpdp up` (every stage in one process) on the real RabbitMQ, the real registry
/// and PostgreSQL (the Coordinator's sagas), the native executor run from the image; `bpdp approve` in another
/// process signs and publishes an approval and follows it to Live; `bpdp status` reports it.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class DistributedPipelineTests(RealServers servers) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-distributed-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task An_approval_from_the_cli_goes_live_through_every_stage_on_real_servers()
    {
        var rabbit = await servers.RabbitMq();
        var registry = await servers.Registry();
        var postgres = await servers.Postgres();
        var run = Guid.NewGuid().ToString("N")[..8];
        using (var approver = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "approvals-e2e.key.pem"), approver.ExportPkcs8PrivateKeyPem());
            await File.WriteAllTextAsync(Path.Combine(folder, "approvals-e2e.pub.pem"), approver.ExportSubjectPublicKeyInfoPem());
        }

        using (var release = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "release.key.pem"), release.ExportECPrivateKeyPem());
            await File.WriteAllTextAsync(Path.Combine(folder, "release.pub.pem"), release.ExportSubjectPublicKeyInfoPem());
            await File.WriteAllTextAsync(Path.Combine(folder, "ledger.key.pem"), release.ExportECPrivateKeyPem());
        }

        string[] queues = [$"builder-{run}", $"scanner-{run}", $"publisher-{run}", $"rollout-{run}", $"kpi-gate-{run}", $"ledger-{run}", $"coordinator-{run}"];
        await using var cleanup = new QueueCleanup(rabbit, queues);
        var settings = new Dictionary<string, string?>(rabbit.ServiceSettings())
        {
            ["Builder:Queue"] = queues[0],
            ["Scanner:Queue"] = queues[1],
            ["Publisher:Queue"] = queues[2],
            ["Rollout:Queue"] = queues[3],
            ["KpiGate:Queue"] = queues[4],
            ["Ledger:Queue"] = queues[5],
            ["Coordinator:Queue"] = queues[6],
            ["Builder:ExecutorBinary"] = PublishedExecutor.Path,
            ["Builder:TrustedKeys:approvals-e2e:PublicKeyFile"] = Path.Combine(folder, "approvals-e2e.pub.pem"),
            ["Builder:TrustedKeys:approvals-e2e:Agencies:0"] = "*",
            ["Builder:TrustedKeys:approvals-e2e:Environments:0"] = "*",
            ["Images:Store"] = "Registry",
            ["Registry:Url"] = $"http://{registry}",
            ["Publisher:SigningKeyFile"] = Path.Combine(folder, "release.key.pem"),
            ["Publisher:ReleaseRepositoryPrefix"] = $"e2e-{run}",
            ["Rollout:ReleaseKeys:release:PublicKeyFile"] = Path.Combine(folder, "release.pub.pem"),
            ["Rollout:Runner"] = "Process",
            ["Rollout:WorkDirectory"] = Path.Combine(folder, "rollout"),
            ["Rollout:ScaleDownDelaySeconds"] = "1",
            ["KpiGate:Source"] = "Scrape",
            ["KpiGate:MaxIntervalSeconds"] = "1",
            ["KpiGate:MaxSoakSeconds"] = "3",
            ["Ledger:Store"] = "Sqlite",
            ["Ledger:SqlitePath"] = Path.Combine(folder, "ledger.db"),
            ["Ledger:SigningKeyFile"] = Path.Combine(folder, "ledger.key.pem"),
            ["Coordinator:Store"] = "Postgres",
            ["Coordinator:ConnectionString"] = postgres,
            ["Coordinator:Schema"] = $"coordinator_{run}",
        };
        await using var pipeline = await ServiceProcess.Start("bpdp.dll", FreeTcpPort.Next(), settings, "up");

        // Users: once traffic moves, they call the live service, so the post-promotion gate has traffic to judge.
        var sink = new MessageSink();
        await using var users = TestHost.Build(rabbit.ServiceSettings(), bus => bus.AddConsumer<CutOverProbe>().Endpoint(e => e.Name = $"users-{run}"), sink);
        await users.StartAsync();
        await using var usersQueue = new QueueCleanup(rabbit, $"users-{run}");
        using var stopLoad = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            var cutOver = await sink.WaitFor<Bpdp.Contracts.TrafficCutOver>(nameof(CutOverProbe), _ => true, TimeSpan.FromSeconds(120));
            using var http = new HttpClient();
            while (!stopLoad.IsCancellationRequested)
            {
                using var answer = await http.PostAsJsonAsync(new Uri(new Uri(cutOver.Message.LiveEndpoint!), "v1/evaluate"),
                    new { injuries = 1, severity = "minor", fatality = false, workers = 55, industry = "other", incidentOn = "2026-11-07" });
                await Task.Delay(TimeSpan.FromMilliseconds(20));
            }
        });

        var client = new Dictionary<string, string?>(rabbit.ServiceSettings());
        var (approved, output, errors) = await CliProcess.Run(client, "approve", Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml"),
            "--env", $"e2e-{run}", "--key", Path.Combine(folder, "approvals-e2e.key.pem"), "--coordinator-queue", queues[6], "--timeout", "120", "--output", "json");

        await stopLoad.CancelAsync();
        await load;
        Assert.True(approved == 0, $"bpdp approve exited {approved}: {errors}\n{output}\n--- bpdp up ---\n{pipeline.Log}");
        var final = JsonNode.Parse(output)!;
        Assert.Equal("Live", final["state"]!.GetValue<string>());
        var id = final["deploymentId"]!.GetValue<string>();
        Assert.Contains("Analyzing", errors, StringComparison.Ordinal);

        var (statusExit, status, _) = await CliProcess.Run(client, "status", id, "--coordinator-queue", queues[6]);
        Assert.Equal(0, statusExit);
        Assert.Contains("haz-fast 1.1.0", status, StringComparison.Ordinal);
        Assert.Contains(": Live", status, StringComparison.Ordinal);
    }

    public sealed class CutOverProbe(MessageSink sink) : RecordingConsumer<Bpdp.Contracts.TrafficCutOver>(sink);
}
