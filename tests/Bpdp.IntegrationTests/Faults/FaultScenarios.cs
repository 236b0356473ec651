namespace Bpdp.IntegrationTests.Faults;

/// <summary>The campaign: each stage killed at its busiest moment, each server stopped or restarted mid-deployment, and one target deployed several times at once.</summary>
public static class FaultScenarios
{
    /// <summary>How long a server that is "down for a while" stays down: longer than one retry, shorter than the stage's whole retry budget.</summary>
    private static readonly TimeSpan OutageLength = TimeSpan.FromSeconds(5);

    public static FaultScenario Baseline { get; } = new("baseline", "none", (_, _) => Task.CompletedTask);

    public static IReadOnlyList<FaultScenario> StageKills { get; } =
    [
        Kill("builder", "while it builds (right after the approval)", null),
        Kill("scanner", "while it scans (on ImageBuilt)", "ImageBuilt"),
        Kill("publisher", "while it releases (on ImageScanned)", "ImageScanned"),
        Kill("rollout", "while it deploys green (on ImagePublished)", "ImagePublished"),
        Kill("kpigate", "during the pre-promotion analysis (on GreenReady)", "GreenReady"),
        Kill("coordinator", "while the gate runs (on GreenReady)", "GreenReady"),
        Kill("ledger", "while it records (on ImageScanned)", "ImageScanned"),
    ];

    public static IReadOnlyList<FaultScenario> ServerFaults { get; } =
    [
        new("broker restart", "RabbitMQ stopped and started mid-deployment (on ImageBuilt)", async (campaign, ids) =>
        {
            await campaign.Seen(ids[0], "ImageBuilt");
            await campaign.Servers.Restart("rabbitmq");
        }),
        new("Prometheus down during a gate", "Prometheus stopped on GreenReady, started after the verdict", async (campaign, ids) =>
        {
            await campaign.Seen(ids[0], "GreenReady");
            await campaign.Servers.Down("prometheus");
            await campaign.Seen(ids[0], "KpiFailed");
            await campaign.Servers.Up("prometheus");
        }, Expected: "RolledBack"),
        new("registry down during publish", $"the registry stopped for {OutageLength.TotalSeconds:F0} s on ImageScanned", (campaign, ids) => Outage(campaign, ids[0], "ImageScanned", "registry"),
            Expected: null),
        new("registry down during deploy", $"the registry stopped for {OutageLength.TotalSeconds:F0} s on ImagePublished", (campaign, ids) => Outage(campaign, ids[0], "ImagePublished", "registry"),
            Expected: null),
        new("PostgreSQL restart", "PostgreSQL (sagas, ledger, analysis runs) restarted on GreenReady", async (campaign, ids) =>
        {
            await campaign.Seen(ids[0], "GreenReady");
            await campaign.Servers.Restart("postgres");
        }),
        new("4 deployments of one target at once", "none: four approvals of one policy and environment published together", (_, _) => Task.CompletedTask,
            Expected: null, Concurrent: 4),
    ];

    private static FaultScenario Kill(string stage, string when, string? trigger) => new($"kill -9 {stage}", $"SIGKILL {when}, then started again", async (campaign, ids) =>
    {
        if (trigger is not null)
        {
            await campaign.Seen(ids[0], trigger);
        }

        await campaign.KillAndRestart(stage);
    });

    private static async Task Outage(FaultCampaign campaign, Guid id, string trigger, string server)
    {
        await campaign.Seen(id, trigger);
        await campaign.Servers.Down(server);
        await Task.Delay(OutageLength);
        await campaign.Servers.Up(server);
    }
}
