using Bpdp.IntegrationTests.Servers;
using Xunit.Abstractions;

namespace Bpdp.IntegrationTests.Faults;

/// <summary>
/// The fault campaign on real servers of its own, with users on the live address: after every scenario each
/// deployment has exactly one terminal event, the ledger lost and duplicated nothing, its chain verifies, no user
/// request failed, and <c>bpdp status</c> agrees with what the target serves. A subset runs with every test run;
/// the whole campaign with <c>--filter Category=FaultCampaign</c> (docs/reliability.md).
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class FaultCampaignTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Faults")]
    public Task A_broker_restart_and_the_Rollout_and_Coordinator_killed_mid_deployment_keep_every_invariant() =>
        Campaign([FaultScenarios.Baseline, FaultScenarios.StageKills.Single(s => s.Name == "kill -9 rollout"),
            FaultScenarios.StageKills.Single(s => s.Name == "kill -9 coordinator"), FaultScenarios.ServerFaults.Single(s => s.Name == "broker restart")]);

    [Fact]
    [Trait("Category", "FaultCampaign")]
    public Task Every_stage_killed_and_every_server_failed_mid_deployment_keeps_every_invariant() =>
        Campaign([FaultScenarios.Baseline, .. FaultScenarios.StageKills, .. FaultScenarios.ServerFaults]);

    private async Task Campaign(IReadOnlyList<FaultScenario> scenarios)
    {
        await using var campaign = await FaultCampaign.Start();
        foreach (var scenario in scenarios)
        {
            await campaign.Run(scenario.Name, scenario.Fault, ids => scenario.Strike(campaign, ids), scenario.Concurrent);
        }

        var chainValid = await campaign.Check();
        output.WriteLine(campaign.Table());
        var table = $"{campaign.Table()}\nchain valid: {chainValid}";
        Assert.True(chainValid, table);
        foreach (var (scenario, result) in scenarios.Zip(campaign.Results))
        {
            Assert.True(result.TerminalEvents.All(n => n == 1), $"{scenario}: terminal events {string.Join(" ", result.TerminalEvents)}\n{table}");
            Assert.True((result.LedgerLost, result.LedgerDuplicated) == (0, 0), $"{scenario}: ledger lost {result.LedgerLost}, duplicated {result.LedgerDuplicated}\n{table}");
            Assert.True(result.UsersFailed == 0, $"{scenario}: {result.UsersFailed} user requests failed\n{table}");
            Assert.True(result.StatusMismatches == 0, $"{scenario}: bpdp status disagreed with what serves for {result.StatusMismatches}\n{table}");
            if (scenario.Expected is { } expected)
            {
                Assert.True(result.Outcomes.All(o => o == expected), $"{scenario}: {string.Join(", ", result.Outcomes)}, expected {expected}\n{table}\n{campaign.Logs()}");
            }
        }

        Assert.True(campaign.Results.Skip(1).Sum(r => r.UsersSent) > 0, $"no user called the live address\n{table}");
    }
}
