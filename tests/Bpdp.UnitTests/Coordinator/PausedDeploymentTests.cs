using Bpdp.Contracts;
using static Bpdp.UnitTests.Coordinator.CoordinatorHarness;

namespace Bpdp.UnitTests.Coordinator;

/// <summary>
/// A deployment that waits for a person: a manual promotion after a passed pre-promotion gate, or an inconclusive gate
/// (unless the policy says <c>onInconclusive: rollback</c>). A signed promotion goes on, an abort rolls back, and so does the deadline.
/// </summary>
public sealed class PausedDeploymentTests
{
    [Fact]
    public async Task A_manual_promotion_waits_after_the_passed_gate_until_bpdp_promote_then_cuts_over()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await coordinator.ApproveAndDeployGreen(id, ExamplePolicy("  soak: 30s\n", "  soak: 30s\n  promotion: manual\n"));
        await coordinator.Publish(new KpiPassed(id, coordinator.Now, Target, AnalysisPhase.PrePromotion, []));

        var paused = await coordinator.InState(id, m => m.Paused);
        await coordinator.Harness.InactivityTask;
        Assert.Empty(coordinator.PublishedFor<CutOverTraffic>(id));
        Assert.StartsWith("a manual promotion (deploy.promotion: manual)", paused.WaitingFor, StringComparison.Ordinal);
        Assert.Equal(coordinator.Now.AddSeconds(3600), paused.DeadlineAt);

        await coordinator.Publish(coordinator.Promote(id));
        var cuttingOver = await coordinator.InState(id, m => m.CuttingOver);
        Assert.Single(coordinator.PublishedFor<CutOverTraffic>(id));
        Assert.Equal($"ops@osha.example (key {OperatorKeyId})", cuttingOver.PromotedBy);
    }

    [Fact]
    public async Task An_inconclusive_pre_promotion_gate_pauses_and_an_abort_rolls_back()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await DeploymentStateMachineTests.DriveTo(coordinator, id, "Analyzing");
        await coordinator.Publish(Inconclusive(id, coordinator.Now, AnalysisPhase.PrePromotion));

        var paused = await coordinator.InState(id, m => m.Paused);
        Assert.Contains("the pre-promotion gate was inconclusive (error-rate was inconclusive 2 times (limit 1)", paused.WaitingFor, StringComparison.Ordinal);
        Assert.Empty(coordinator.PublishedFor<RollBackDeployment>(id));

        await coordinator.Publish(coordinator.Abort(id, "nobody uses it yet"));
        await coordinator.InState(id, m => m.RollingBack);
        Assert.Contains("aborted by ops@osha.example", Assert.Single(coordinator.PublishedFor<RollBackDeployment>(id)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_onInconclusive_rollback_an_inconclusive_gate_rolls_back_at_once()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await coordinator.ApproveAndDeployGreen(id, ExamplePolicy("    consecutiveErrorLimit: 2\n", "    consecutiveErrorLimit: 2\n    onInconclusive: rollback\n"));
        await coordinator.Publish(Inconclusive(id, coordinator.Now, AnalysisPhase.PrePromotion));

        await coordinator.InState(id, m => m.RollingBack);
        Assert.Single(coordinator.PublishedFor<RollBackDeployment>(id));
    }

    [Fact]
    public async Task An_inconclusive_soak_pauses_with_the_new_version_live_and_a_promotion_keeps_it()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await DeploymentStateMachineTests.DriveTo(coordinator, id, "Soaking");
        await coordinator.Publish(Inconclusive(id, coordinator.Now, AnalysisPhase.PostPromotion));
        var paused = await coordinator.InState(id, m => m.Paused);
        Assert.Contains("the post-promotion gate was inconclusive", paused.WaitingFor, StringComparison.Ordinal);

        await coordinator.Publish(coordinator.Promote(id));
        await coordinator.InState(id, m => m.Live);
        Assert.Single(coordinator.PublishedFor<DeploymentCompleted>(id));
        Assert.Single(coordinator.PublishedFor<CutOverTraffic>(id));
    }

    [Fact]
    public async Task An_inconclusive_soak_verdict_that_overtakes_the_cutover_still_learns_that_traffic_moved_and_a_promotion_keeps_the_new_version()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await DeploymentStateMachineTests.DriveTo(coordinator, id, "CuttingOver");
        await coordinator.Publish(Inconclusive(id, coordinator.Now, AnalysisPhase.PostPromotion));
        Assert.False((await coordinator.InState(id, m => m.Paused)).TrafficMoved);

        await coordinator.Publish(new TrafficCutOver(id, coordinator.Now, Target, Color.Green, Color.Blue, TimeSpan.Zero, "http://live"));
        await coordinator.Harness.InactivityTask;
        await coordinator.Publish(coordinator.Promote(id));
        await coordinator.InState(id, m => m.Live);
        Assert.Single(coordinator.PublishedFor<CutOverTraffic>(id));
        Assert.Single(coordinator.PublishedFor<DeploymentCompleted>(id));
    }

    [Fact]
    public async Task A_pause_nobody_ends_rolls_back_at_its_deadline_naming_what_it_waited_for()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await DeploymentStateMachineTests.DriveTo(coordinator, id, "Analyzing");
        await coordinator.Publish(Inconclusive(id, coordinator.Now, AnalysisPhase.PrePromotion));
        await coordinator.InState(id, m => m.Paused);
        await coordinator.Harness.InactivityTask;

        coordinator.Clock.Advance(TimeSpan.FromSeconds(3599));
        await coordinator.Harness.InactivityTask;
        Assert.Equal(0, await coordinator.Sweeper.SweepOnce());
        coordinator.Clock.Advance(TimeSpan.FromSeconds(2));
        await coordinator.Harness.InactivityTask;
        Assert.Equal(1, await coordinator.Sweeper.SweepOnce());
        var rollingBack = await coordinator.InState(id, m => m.RollingBack);
        Assert.StartsWith("nobody promoted or aborted the paused deployment before", rollingBack.LastError, StringComparison.Ordinal);
        Assert.Single(coordinator.PublishedFor<RollBackDeployment>(id));
    }

    private static KpiFailed Inconclusive(Guid id, DateTimeOffset now, AnalysisPhase phase) =>
        new(id, now, Target, phase, "error-rate was inconclusive 2 times (limit 1): no usable data, e.g. no traffic", [], Inconclusive: true);
}
