using Bpdp.Coordinator;
using Bpdp.Coordinator.Persistence;
using Bpdp.Coordinator.TargetLocks;
using Bpdp.IntegrationTests.Servers;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bpdp.IntegrationTests.Coordinator;

/// <summary>The per-target gate in real PostgreSQL: of many concurrent claimants exactly one wins, and it can hand over.</summary>
[Collection(RealServersCollection.Name)]
public sealed class PostgresTargetLocksTests(RealServers servers)
{
    [Fact]
    public async Task Exactly_one_of_many_concurrent_deployments_enters_a_target_and_the_next_enters_after_it_leaves()
    {
        var schema = $"gate_{Guid.NewGuid():N}"[..20];
        await using var dataSource = NpgsqlDataSource.Create(await servers.Postgres());
        await DeploymentStateTable.Create(dataSource, schema);
        var gate = new PostgresTargetLocks(dataSource, Options.Create(new CoordinatorOptions { Schema = schema }));
        var claimants = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToArray();

        var entered = await Task.WhenAll(claimants.Select(id => gate.TryEnter("osha/production/haz-fast", id)));

        var winner = Assert.Single(claimants.Where((_, i) => entered[i]));
        Assert.True(await gate.TryEnter("osha/production/haz-fast", winner));
        Assert.True(await gate.TryEnter("osha/staging/haz-fast", claimants[0] == winner ? claimants[1] : claimants[0]));
        var next = claimants.First(id => id != winner);
        await gate.Leave("osha/production/haz-fast", next);
        Assert.False(await gate.TryEnter("osha/production/haz-fast", next));
        await gate.Leave("osha/production/haz-fast", winner);
        Assert.True(await gate.TryEnter("osha/production/haz-fast", next));

        await using var drop = dataSource.CreateCommand($"DROP SCHEMA {schema} CASCADE");
        await drop.ExecuteNonQueryAsync();
    }
}
