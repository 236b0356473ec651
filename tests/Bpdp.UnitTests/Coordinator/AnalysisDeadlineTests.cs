using Bpdp.Contracts;
using static Bpdp.UnitTests.Coordinator.CoordinatorHarness;

namespace Bpdp.UnitTests.Coordinator;

/// <summary>The two analyses' deadlines follow the approved policy's own analysis length and soak, plus the margin, when those are longer than the configured ones.</summary>
public sealed class AnalysisDeadlineTests
{
    [Fact]
    public async Task A_day_long_soak_gets_a_deadline_of_a_day_and_the_margin()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var yaml = ExamplePolicy("soak: 30s", "soak: 24h").Replace("interval: 5s", "interval: 10m", StringComparison.Ordinal);
        var id = Guid.NewGuid();
        await coordinator.ApproveAndDeployGreen(id, yaml);
        var analyzing = await coordinator.InState(id, m => m.Analyzing);
        await coordinator.Harness.InactivityTask;
        // Four rounds of ten minutes: 2,400 s and the 600 s margin, longer than the configured 1,800 s.
        Assert.Equal(coordinator.Now.AddSeconds(3000), analyzing.DeadlineAt);

        await coordinator.Publish(new KpiPassed(id, coordinator.Now, Target, AnalysisPhase.PrePromotion, []));
        await coordinator.InState(id, m => m.CuttingOver);
        await coordinator.Publish(new TrafficCutOver(id, coordinator.Now, Target, Color.Green, Color.Blue, TimeSpan.Zero, "http://live"));
        var soaking = await coordinator.InState(id, m => m.Soaking);
        await coordinator.Harness.InactivityTask;
        Assert.Equal(coordinator.Now.AddSeconds(86_400 + 600), soaking.DeadlineAt);
    }
}
