using Bpdp.Contracts;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Platform.Bus;
using Bpdp.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bpdp.IntegrationTests.Coordinator;

/// <summary>
/// Two Coordinator processes sharing one PostgreSQL saga table on the real RabbitMQ, against stub stages
/// that answer everything twice; one Coordinator is killed mid-flight.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class CoordinatorEndToEndTests(RealServers servers)
{
    private const int Deployments = 50;

    [Fact]
    public async Task Fifty_concurrent_deployments_with_duplicates_each_end_in_exactly_one_terminal_event()
    {
        var rabbit = await servers.RabbitMq();
        var postgres = await servers.Postgres();
        var schema = $"coordinator_{Guid.NewGuid():N}"[..24];
        var run = Guid.NewGuid().ToString("N")[..8];
        using var approvals = new ApprovalSigning();
        var keys = Directory.CreateTempSubdirectory("bpdp-coordinator-keys-");
        var settings = new Dictionary<string, string?>([.. rabbit.ServiceSettings(), .. approvals.TrustedKeySettings(keys.FullName, "Coordinator")])
        {
            ["Coordinator:Store"] = "Postgres",
            ["Coordinator:ConnectionString"] = postgres,
            ["Coordinator:Schema"] = schema,
            ["Coordinator:SweepIntervalSeconds"] = "1",
            ["Coordinator:Deadlines:Building"] = "3",
            ["Coordinator:Queue"] = $"coordinator-{run}",
        };
        await using var cleanup = new QueueCleanup(rabbit, $"stub-pipeline-{run}", $"terminal-probe-{run}", $"coordinator-{run}");
        await using var stages = TestHost.Build(rabbit.ServiceSettings(), bus =>
        {
            bus.AddStageConsumer<StubPipeline>($"stub-pipeline-{run}");
            bus.AddStageConsumer<TerminalEventProbe>($"terminal-probe-{run}");
        });
        await stages.StartAsync();
        var first = await ServiceProcess.Start("Bpdp.Coordinator.dll", FreeTcpPort.Next(), settings);
        await using var second = await ServiceProcess.Start("Bpdp.Coordinator.dll", FreeTcpPort.Next(), settings);
        var bus = stages.Services.GetRequiredService<IPublishEndpoint>();

        var versions = Enumerable.Range(0, Deployments).Select(i => i % 10 == 9 ? StubPipeline.NeverBuilt : i % 5 == 4 ? StubPipeline.FailsItsGate : "1.1.0").ToArray();
        var ids = versions.Select(_ => Guid.NewGuid()).ToArray();
        await Task.WhenAll(ids.Select((id, i) => bus.Publish(approvals.Approve(Samples.Approval(id) with { PolicyVersion = versions[i], PolicyName = $"policy-{i}" }))));
        await Eventually.Holds(() => Task.FromResult(TerminalEventProbe.Terminal.Count(t => ids.Contains(t.Key)) >= Deployments / 4),
            "a quarter of the deployments ended", TimeSpan.FromSeconds(60));
        await first.DisposeAsync();

        await Eventually.Holds(() => Task.FromResult(ids.All(TerminalEventProbe.Terminal.ContainsKey)), "every deployment ended", TimeSpan.FromSeconds(90));
        await Eventually.Holds(async () => await RowsInFinalStates(postgres, schema) == Deployments, "every saga row is final", TimeSpan.FromSeconds(30));
        // Duplicates still in flight must not produce a second terminal event; the bus goes quiet when they are consumed.
        await Eventually.Holds(async () => await QueueIsEmpty(rabbit, $"coordinator-{run}"), "the coordinator queue drained", TimeSpan.FromSeconds(30));

        for (var i = 0; i < Deployments; i++)
        {
            var terminal = TerminalEventProbe.Terminal[ids[i]].Values;
            var expected = versions[i] switch
            {
                StubPipeline.NeverBuilt => nameof(DeploymentFailed),
                StubPipeline.FailsItsGate => nameof(DeploymentRolledBack),
                _ => nameof(DeploymentCompleted),
            };
            Assert.True(terminal.Count == 1 && terminal.Single() == expected, $"deployment {i} ({versions[i]}) ended with [{string.Join(", ", terminal)}], expected one {expected}");
        }

        Assert.All(ids.Where((_, i) => versions[i] == StubPipeline.NeverBuilt), id => Assert.Equal(1, TerminalEventProbe.Timeouts.GetValueOrDefault(id)));
        await stages.StopAsync();
    }

    private static async Task<long> RowsInFinalStates(string postgres, string schema)
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres);
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {schema}.deployments WHERE current_state IN ('Live', 'Rejected', 'Failed', 'RolledBack')");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<bool> QueueIsEmpty(RabbitMqServer rabbit, string queue)
    {
        await using var connection = await rabbit.Connect();
        await using var channel = await connection.CreateChannelAsync();
        var declared = await channel.QueueDeclarePassiveAsync(queue);
        return declared.MessageCount == 0;
    }
}
