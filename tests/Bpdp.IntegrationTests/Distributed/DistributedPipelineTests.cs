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

        var up = await UpSettings.Create(rabbit, registry, postgres, folder, run, new Dictionary<string, string?>
        {
            ["Builder:TrustedKeys:approvals-e2e:PublicKeyFile"] = Path.Combine(folder, "approvals-e2e.pub.pem"),
            ["Builder:TrustedKeys:approvals-e2e:Agencies:0"] = "*",
            ["Builder:TrustedKeys:approvals-e2e:Environments:0"] = "*",
            ["Coordinator:TrustedKeys:approvals-e2e:PublicKeyFile"] = Path.Combine(folder, "approvals-e2e.pub.pem"),
            ["Coordinator:TrustedKeys:approvals-e2e:Agencies:0"] = "*",
            ["Coordinator:TrustedKeys:approvals-e2e:Environments:0"] = "*",
            ["Rollout:TrustedKeys:approvals-e2e:PublicKeyFile"] = Path.Combine(folder, "approvals-e2e.pub.pem"),
            ["Rollout:TrustedKeys:approvals-e2e:Agencies:0"] = "*",
            ["Rollout:TrustedKeys:approvals-e2e:Environments:0"] = "*",
            ["Publisher:TrustedKeys:approvals-e2e:PublicKeyFile"] = Path.Combine(folder, "approvals-e2e.pub.pem"),
            ["Publisher:TrustedKeys:approvals-e2e:Agencies:0"] = "*",
            ["Publisher:TrustedKeys:approvals-e2e:Environments:0"] = "*",
            ["KpiGate:TrustedKeys:approvals-e2e:PublicKeyFile"] = Path.Combine(folder, "approvals-e2e.pub.pem"),
            ["KpiGate:TrustedKeys:approvals-e2e:Agencies:0"] = "*",
            ["KpiGate:TrustedKeys:approvals-e2e:Environments:0"] = "*",
        });
        await using var cleanup = new QueueCleanup(rabbit, up.Queues);
        var settings = up.Settings;
        await using var pipeline = await ServiceProcess.Start("bpdp.dll", FreeTcpPort.Next(), settings, "up");

        // Users: once traffic moves, they call the live service, so the post-promotion gate has traffic to judge.
        var sink = new MessageSink();
        await using var users = TestHost.Build(rabbit.ServiceSettings(), bus => bus.AddConsumer<CutOverProbe>().Endpoint(e => e.Name = $"users-{run}"), sink);
        await users.StartAsync();
        await using var usersQueue = new QueueCleanup(rabbit, $"users-{run}");
        await using var load = new UsersOfTheLiveService(sink, nameof(CutOverProbe), _ => true);

        var client = new Dictionary<string, string?>(rabbit.ServiceSettings());
        var (approved, output, errors) = await CliProcess.Run(client, "approve", Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml"),
            "--env", $"e2e-{run}", "--key", Path.Combine(folder, "approvals-e2e.key.pem"), "--coordinator-queue", up.CoordinatorQueue, "--timeout", "120", "--output", "json");

        await load.DisposeAsync();
        Assert.True(approved == 0, $"bpdp approve exited {approved}: {errors}\n{output}\n--- bpdp up ---\n{pipeline.Log}");
        var final = JsonNode.Parse(output)!;
        Assert.Equal("Live", final["state"]!.GetValue<string>());
        var id = final["deploymentId"]!.GetValue<string>();
        Assert.Contains("Analyzing", errors, StringComparison.Ordinal);

        var (statusExit, status, _) = await CliProcess.Run(client, "status", id, "--coordinator-queue", up.CoordinatorQueue, "--rollout-queue", up.RolloutQueue);
        Assert.Equal(0, statusExit);
        Assert.Contains("haz-fast 1.1.0", status, StringComparison.Ordinal);
        Assert.Contains(": Live", status, StringComparison.Ordinal);
    }

    public sealed class CutOverProbe(MessageSink sink) : RecordingConsumer<Bpdp.Contracts.TrafficCutOver>(sink);
}
