using Bpdp.Contracts;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Executor;
using Bpdp.IntegrationTests.Servers;
using Bpdp.KpiGate.Analysis;
using Bpdp.KpiGate.Smoke;
using Bpdp.Policy;
using Bpdp.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bpdp.IntegrationTests.KpiGate;

/// <summary>
/// A 60-second soak on a broker that closes any channel holding a delivery for 15 s, judged by two KpiGate processes
/// sharing PostgreSQL; the one measuring is killed halfway. The other resumes from the kept measurements, the soak ends
/// once, and the broker never redelivers a gate message.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class DurableSoakTests(RealServers servers)
{
    private const int Rounds = 12;

    public sealed class VerdictProbe(MessageSink sink) : RecordingConsumer<KpiPassed>(sink);

    public sealed class FailedProbe(MessageSink sink) : RecordingConsumer<KpiFailed>(sink);

    [Fact]
    public async Task A_soak_longer_than_the_consumer_timeout_survives_its_gate_being_killed_and_ends_once()
    {
        await using var broker = await PrivateRabbitMq.Start(TimeSpan.FromSeconds(15));
        var postgres = await servers.Postgres();
        var run = Guid.NewGuid().ToString("N")[..8];
        var schema = $"kpigate_{run}";
        var folder = Directory.CreateTempSubdirectory("bpdp-durable-soak-").FullName;
        using var approvals = new ApprovalSigning();
        var yaml = (await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml"))).Replace("soak: 30s", "soak: 60s", StringComparison.Ordinal);
        Assert.Contains("soak: 60s", yaml, StringComparison.Ordinal);
        var policyPath = Path.Combine(folder, "policy.yaml");
        await File.WriteAllTextAsync(policyPath, yaml);
        await using var executor = await RunningExecutor.Start(policyPath, "green");

        var queue = $"kpi-gate-{run}";
        var settings = new Dictionary<string, string?>([.. broker.Server.ServiceSettings(), .. approvals.TrustedKeySettings(folder, "KpiGate")])
        {
            ["KpiGate:Queue"] = queue,
            ["KpiGate:Source"] = "Scrape",
            ["KpiGate:Store"] = "Postgres",
            ["KpiGate:ConnectionString"] = postgres,
            ["KpiGate:Schema"] = schema,
            ["KpiGate:LeaseSeconds"] = "4",
            ["KpiGate:PollMilliseconds"] = "200",
        };
        var gates = new List<ServiceProcess>
        {
            await ServiceProcess.Start("Bpdp.KpiGate.dll", FreeTcpPort.Next(), settings),
            await ServiceProcess.Start("Bpdp.KpiGate.dll", FreeTcpPort.Next(), settings),
        };
        var sink = new MessageSink();
        await using var probe = TestHost.Build(broker.Server.ServiceSettings(), bus =>
        {
            bus.AddConsumer<VerdictProbe>().Endpoint(e => e.Name = $"{queue}-passed");
            bus.AddConsumer<FailedProbe>().Endpoint(e => e.Name = $"{queue}-failed");
        }, sink);
        await probe.StartAsync();
        try
        {
            // Users of the live service: after a cutover nobody sends smoke traffic, so the test does.
            using var users = new CancellationTokenSource();
            using var http = new HttpClient();
            var module = PolicyValidator.Validate(yaml).Policy!.Module;
            var traffic = new SmokeTraffic(http, TimeProvider.System).Run(executor.Http.BaseAddress!, module, 20, users.Token);

            var id = Guid.NewGuid();
            var bus = probe.Services.GetRequiredService<IPublishEndpoint>();
            var approval = approvals.Approve(yaml, id, "production");
            await bus.Publish(approval);
            await bus.Publish(new TrafficCutOver(id, DateTimeOffset.UtcNow, approval.Target, Color.Green, Color.Blue, TimeSpan.FromMilliseconds(5), executor.Http.BaseAddress!.ToString()));

            await Eventually.Holds(async () => await RoundsKept(postgres, schema, id) >= Rounds / 2, "half the soak was measured", TimeSpan.FromSeconds(60));
            var holder = await Holder(postgres, schema, id);
            var killed = Assert.Single(gates, g => holder.Contains($"/{g.ProcessId}/", StringComparison.Ordinal));
            var keptBeforeKill = await MeasuredAt(postgres, schema, id);
            await killed.DisposeAsync();
            gates.Remove(killed);

            var passed = (await sink.WaitFor<KpiPassed>(nameof(VerdictProbe), m => m.DeploymentId == id, TimeSpan.FromSeconds(90))).Message;
            await users.CancelAsync();
            await traffic;

            Assert.Equal(AnalysisPhase.PostPromotion, passed.Phase);
            Assert.Equal(Rounds, passed.Measurements.Count(m => m.Metric == MetricSpec.ErrorRate));
            Assert.Equal(Rounds, passed.Measurements.Count(m => m.Metric == MetricSpec.P95WaitTime));
            // The survivor went on from what the killed gate had kept: those measurements are the verdict's first ones, unchanged.
            Assert.Equal(keptBeforeKill, passed.Measurements.Take(keptBeforeKill.Count).Select(m => m.MeasuredAt).ToList());
            var soak = passed.Measurements[^1].MeasuredAt - passed.Measurements[0].MeasuredAt;
            Assert.InRange(soak.TotalSeconds, 50, 90);

            await Eventually.Holds(async () => await broker.Acknowledged(queue) == 2, "the gate acknowledged the approval and the cutover", TimeSpan.FromSeconds(30));
            Assert.Equal(0, await broker.Redelivered(queue));
            Assert.Single(sink.ReceivedBy(nameof(VerdictProbe)));
            Assert.Empty(sink.ReceivedBy(nameof(FailedProbe)));
            Assert.Equal(1, gates.Concat([killed]).Sum(g => Occurrences(g.Log, "analysis opened")));
        }
        finally
        {
            foreach (var gate in gates)
            {
                await gate.DisposeAsync();
            }

            await probe.StopAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int Occurrences(string log, string what) => log.Split('\n').Count(line => line.Contains(what, StringComparison.Ordinal));

    private static async Task<long> RoundsKept(string postgres, string schema, Guid id)
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres);
        await using var command = dataSource.CreateCommand($"SELECT count(DISTINCT round) FROM {schema}.kpigate_measurements WHERE deployment_id = @id");
        command.Parameters.AddWithValue("id", id.ToString("D"));
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<string> Holder(string postgres, string schema, Guid id)
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres);
        await using var command = dataSource.CreateCommand($"SELECT leased_by FROM {schema}.kpigate_runs WHERE deployment_id = @id");
        command.Parameters.AddWithValue("id", id.ToString("D"));
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<DateTimeOffset>> MeasuredAt(string postgres, string schema, Guid id)
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres);
        await using var command = dataSource.CreateCommand($"SELECT body FROM {schema}.kpigate_measurements WHERE deployment_id = @id ORDER BY round, metric");
        command.Parameters.AddWithValue("id", id.ToString("D"));
        var times = new List<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            times.Add(System.Text.Json.JsonSerializer.Deserialize<KpiMeasurement>(reader.GetString(0), ContractJson.Options)!.MeasuredAt);
        }

        return times;
    }
}
