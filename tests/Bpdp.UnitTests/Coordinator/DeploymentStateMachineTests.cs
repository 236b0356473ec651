using Bpdp.Contracts;
using Bpdp.Coordinator.Saga;
using MassTransit;
using static Bpdp.UnitTests.Coordinator.CoordinatorHarness;

namespace Bpdp.UnitTests.Coordinator;

public sealed class DeploymentStateMachineTests
{
    /// <summary>Stub stages that answer each event or command the way a healthy pipeline does.</summary>
    private static void HealthyPipeline(IBusRegistrationConfigurator bus, AnalysisPhase? failingGate = null)
    {
        bus.AddHandler<ArtifactApproved>(c => c.Publish(new ImageBuilt(c.Message.DeploymentId, DateTimeOffset.UtcNow, c.Message.Target, Quarantine, 1234, ["sha256:l1"], TimeSpan.FromSeconds(1))));
        bus.AddHandler<ImageBuilt>(c => c.Publish(new ImageScanned(c.Message.DeploymentId, DateTimeOffset.UtcNow, c.Message.Target, c.Message.Image, true, [])));
        bus.AddHandler<ImageScanned>(c => c.Publish(new ImagePublished(c.Message.DeploymentId, DateTimeOffset.UtcNow, c.Message.Target, Release, "1.1.0", "sig")));
        bus.AddHandler<DeployGreen>(c => c.Publish(new GreenReady(c.Message.DeploymentId, DateTimeOffset.UtcNow, c.Message.Target,
            c.Message.Image, Color.Green, "http://preview", 2, TimeSpan.FromSeconds(3))));
        bus.AddHandler<GreenReady>(c => c.Publish(Verdict(c.Message.DeploymentId, c.Message.Target, AnalysisPhase.PrePromotion, failingGate)));
        bus.AddHandler<CutOverTraffic>(c => c.Publish(new TrafficCutOver(c.Message.DeploymentId, DateTimeOffset.UtcNow, c.Message.Target, c.Message.Color, Color.Blue, TimeSpan.FromMilliseconds(5))));
        bus.AddHandler<TrafficCutOver>(c => c.Publish(Verdict(c.Message.DeploymentId, c.Message.Target, AnalysisPhase.PostPromotion, failingGate)));
        bus.AddHandler<RollBackDeployment>(c => c.Publish(new RolledBack(c.Message.DeploymentId, DateTimeOffset.UtcNow, c.Message.Target, Color.Blue, c.Message.Reason, TimeSpan.FromMilliseconds(5))));
    }

    private static object Verdict(Guid id, DeploymentTarget target, AnalysisPhase phase, AnalysisPhase? failingGate) =>
        phase == failingGate
            ? new KpiFailed(id, DateTimeOffset.UtcNow, target, phase, "error-rate 4.9% > 1% in 3 of 4 measurements",
                [new KpiMeasurement(DateTimeOffset.UtcNow, "error-rate", 0.049, 0.01, MeasurementOutcome.Failed)])
            : new KpiPassed(id, DateTimeOffset.UtcNow, target, phase, [new KpiMeasurement(DateTimeOffset.UtcNow, "error-rate", 0.001, 0.01, MeasurementOutcome.Successful)]);

    [Fact]
    public async Task A_healthy_deployment_goes_live_with_one_completed_event_and_every_stage_timed()
    {
        await using var coordinator = await CoordinatorHarness.Start(bus => HealthyPipeline(bus));
        var id = Guid.NewGuid();

        await coordinator.Publish(coordinator.Approval(id));

        var saga = await coordinator.InState(id, m => m.Live);
        Assert.IsType<DeploymentCompleted>(Assert.Single(await coordinator.TerminalEvents(id)));
        Assert.Single(coordinator.PublishedFor<DeployGreen>(id));
        Assert.Single(coordinator.PublishedFor<CutOverTraffic>(id));
        Assert.Single(coordinator.PublishedFor<FinalizeDeployment>(id));
        Assert.Empty(coordinator.PublishedFor<RollBackDeployment>(id));
        // The stub KpiGate answers TrafficCutOver at once, so its verdict can reach the saga before TrafficCutOver itself does;
        // the saga then goes from CuttingOver straight to Live. Both orders are valid; any other stage sequence is not.
        string[] stages = ["Building", "Scanning", "Publishing", "DeployingGreen", "Analyzing", "CuttingOver", "Soaking", "Live"];
        var soaked = saga.Stages.Any(s => s.Stage == "Soaking");
        Assert.Equal(soaked ? stages : stages.Where(s => s != "Soaking"), saga.Stages.Select(s => s.Stage));
        Assert.All(saga.Stages, s => Assert.NotNull(s.EndedAt));
        Assert.Null(saga.DeadlineAt);
    }

    [Theory]
    [InlineData(AnalysisPhase.PrePromotion)]
    [InlineData(AnalysisPhase.PostPromotion)]
    public async Task A_failed_KPI_gate_rolls_back_and_ends_in_one_rolled_back_event(AnalysisPhase phase)
    {
        await using var coordinator = await CoordinatorHarness.Start(bus => HealthyPipeline(bus, failingGate: phase));
        var id = Guid.NewGuid();

        await coordinator.Publish(coordinator.Approval(id));

        var saga = await coordinator.InState(id, m => m.RolledBack);
        var terminal = Assert.IsType<DeploymentRolledBack>(Assert.Single(await coordinator.TerminalEvents(id)));
        Assert.Contains("error-rate 4.9%", terminal.Reason, StringComparison.Ordinal);
        Assert.Single(coordinator.PublishedFor<RollBackDeployment>(id));
        Assert.Equal(phase == AnalysisPhase.PostPromotion, saga.TrafficMoved);
        Assert.Empty(coordinator.PublishedFor<FinalizeDeployment>(id));
    }

    [Fact]
    public async Task A_rejected_approval_ends_rejected_without_any_rollout()
    {
        await using var coordinator = await CoordinatorHarness.Start(bus => bus.AddHandler<ArtifactApproved>(c =>
            c.Publish(new ArtifactRejected(c.Message.DeploymentId, DateTimeOffset.UtcNow, c.Message.Target, ApprovalRejectionReason.InvalidSignature,
                "signature does not verify with key approvals-2026"))));
        var id = Guid.NewGuid();

        await coordinator.Publish(coordinator.Approval(id));

        await coordinator.InState(id, m => m.Rejected);
        var rejected = Assert.IsType<DeploymentRejected>(Assert.Single(await coordinator.TerminalEvents(id)));
        Assert.Equal(PipelineStage.Builder, rejected.Stage);
        Assert.Contains("signature", rejected.Reason, StringComparison.Ordinal);
        Assert.Empty(coordinator.PublishedFor<DeployGreen>(id));
    }

    [Fact]
    public async Task A_blocking_scan_ends_rejected_naming_the_findings()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await coordinator.Publish(coordinator.Approval(id));
        await coordinator.Publish(new ImageBuilt(id, coordinator.Now, Target, Quarantine, 1, [], TimeSpan.Zero));

        await coordinator.Publish(new ImageScanned(id, coordinator.Now, Target, Quarantine, false,
            [new ScanFinding("aws-access-key-id", "secret", Severity.Critical, "AWS key", "sha256:l2", "/policy/policy.yaml", 12, "key: AKIA****")]));

        await coordinator.InState(id, m => m.Rejected);
        var rejected = Assert.IsType<DeploymentRejected>(Assert.Single(await coordinator.TerminalEvents(id)));
        Assert.Equal(PipelineStage.Scanner, rejected.Stage);
        Assert.Contains("aws-access-key-id", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_out_of_order_move_forward_and_duplicates_of_passed_stages_change_nothing()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();

        // The publish result arrives before the approval is even seen, and the scan result overtakes the build event:
        // both are held until the event they follow arrives, then the deployment moves forward through every stage.
        await coordinator.Publish(new ImagePublished(id, coordinator.Now, Target, Release, "1.1.0", "sig"));
        await coordinator.InState(id, m => m.AwaitingApproval);
        await coordinator.Publish(new ImageScanned(id, coordinator.Now, Target, Quarantine, true, []));
        await coordinator.Publish(coordinator.Approval(id));
        await coordinator.InState(id, m => m.Building);
        Assert.Empty(coordinator.PublishedFor<DeployGreen>(id));
        await coordinator.Publish(new ImageBuilt(id, coordinator.Now, Target, Quarantine, 1, [], TimeSpan.Zero));
        await coordinator.InState(id, m => m.DeployingGreen);
        await coordinator.Publish(new ImageScanned(id, coordinator.Now, Target, Quarantine, true, []));
        await coordinator.Publish(new GreenReady(id, coordinator.Now, Target, Release, Color.Blue, "http://preview", 1, TimeSpan.Zero));
        await coordinator.Publish(new GreenReady(id, coordinator.Now, Target, Release, Color.Blue, "http://preview", 1, TimeSpan.Zero));

        var saga = await coordinator.InState(id, m => m.Analyzing);
        await coordinator.Harness.InactivityTask;
        Assert.Equal(Color.Blue, saga.NewColor);
        Assert.Single(coordinator.PublishedFor<DeployGreen>(id));
        Assert.Equal(Release, saga.Image);
        Assert.Equal(["AwaitingApproval", "Building", "Scanning", "Publishing", "DeployingGreen", "Analyzing"], saga.Stages.Select(s => s.Stage));
        Assert.Equal(0, saga.RefusedMessages);
        Assert.Null(saga.HeldBuilt ?? saga.HeldScan ?? (object?)saga.HeldPublished);
    }

    [Fact]
    public async Task A_KPI_verdict_that_overtakes_the_event_it_judges_still_moves_the_deployment()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await DriveTo(coordinator, id, "DeployingGreen");

        await coordinator.Publish(new KpiPassed(id, coordinator.Now, Target, AnalysisPhase.PrePromotion, []));
        await coordinator.InState(id, m => m.CuttingOver);
        await coordinator.Publish(new KpiPassed(id, coordinator.Now, Target, AnalysisPhase.PostPromotion, []));

        await coordinator.InState(id, m => m.Live);
        Assert.IsType<DeploymentCompleted>(Assert.Single(await coordinator.TerminalEvents(id)));
    }

    [Fact]
    public async Task Commands_and_terminal_events_carry_ids_stable_per_deployment_and_type()
    {
        await using var coordinator = await CoordinatorHarness.Start(bus => HealthyPipeline(bus));
        var id = Guid.NewGuid();
        await coordinator.Publish(coordinator.Approval(id));
        await coordinator.InState(id, m => m.Live);
        await coordinator.Harness.InactivityTask;

        var completed = coordinator.Harness.Published.Select<DeploymentCompleted>(x => x.Context.Message.DeploymentId == id).Single();
        var cutOver = coordinator.Harness.Published.Select<CutOverTraffic>(x => x.Context.Message.DeploymentId == id).Single();
        Assert.Equal(DeploymentStateMachine.OnceId(id, nameof(DeploymentCompleted)), completed.Context.MessageId);
        Assert.Equal(DeploymentStateMachine.OnceId(id, nameof(CutOverTraffic)), cutOver.Context.MessageId);
        Assert.NotEqual(DeploymentStateMachine.OnceId(id, nameof(DeploymentCompleted)), DeploymentStateMachine.OnceId(Guid.NewGuid(), nameof(DeploymentCompleted)));
    }

    [Fact]
    public async Task A_second_deployment_of_the_same_target_waits_until_the_first_ends()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var otherTarget = Guid.NewGuid();
        await DriveTo(coordinator, first, "Analyzing");

        await DriveTo(coordinator, second, "Publishing");
        await DriveTo(coordinator, otherTarget, "Publishing", Target with { PolicyName = "other-policy" });
        await coordinator.Publish(new ImagePublished(second, coordinator.Now, Target, Release, "1.1.0", "sig"));
        await coordinator.Publish(new ImagePublished(otherTarget, coordinator.Now, Target with { PolicyName = "other-policy" }, Release, "1.1.0", "sig"));
        await coordinator.InState(second, m => m.WaitingForTarget);
        await coordinator.InState(otherTarget, m => m.DeployingGreen);
        coordinator.Clock.Advance(TimeSpan.FromSeconds(6));
        await coordinator.Harness.InactivityTask;
        await coordinator.Sweeper.SweepOnce();
        await coordinator.Harness.InactivityTask;
        Assert.Equal("WaitingForTarget", coordinator.Saga.Sagas.Contains(second)!.CurrentState);
        Assert.Empty(coordinator.PublishedFor<DeployGreen>(second));

        await coordinator.Publish(coordinator.Abort(first, "make way"));
        await coordinator.Publish(new RolledBack(first, coordinator.Now, Target, Color.Blue, "make way", TimeSpan.Zero));
        await coordinator.InState(first, m => m.RolledBack);
        coordinator.Clock.Advance(TimeSpan.FromSeconds(6));
        await coordinator.Harness.InactivityTask;
        await coordinator.Sweeper.SweepOnce();

        await coordinator.InState(second, m => m.DeployingGreen);
        await coordinator.Harness.InactivityTask;
        Assert.Single(coordinator.PublishedFor<DeployGreen>(second));
        Assert.Equal(["Building", "Scanning", "Publishing", "WaitingForTarget", "DeployingGreen"], coordinator.Saga.Sagas.Contains(second)!.Stages.Select(s => s.Stage));
        // Each look at the target is a re-check, not a timeout: the audit trail holds no StageTimedOut for the wait.
        Assert.Equal(2, coordinator.Harness.Published.Select<RecheckTarget>().Count(m => m.Context.Message.DeploymentId == second));
        Assert.Empty(coordinator.PublishedFor<StageTimedOut>(second));
    }

    [Fact]
    public async Task Late_events_after_the_end_are_counted_and_ignored()
    {
        await using var coordinator = await CoordinatorHarness.Start(bus => HealthyPipeline(bus));
        var id = Guid.NewGuid();
        await coordinator.Publish(coordinator.Approval(id));
        await coordinator.InState(id, m => m.Live);

        await coordinator.Publish(new KpiFailed(id, coordinator.Now, Target, AnalysisPhase.PostPromotion, "late", []));
        await coordinator.Publish(coordinator.Abort(id, "too late"));
        await coordinator.Publish(coordinator.Approval(id));

        await coordinator.Harness.InactivityTask;
        var saga = coordinator.Saga.Sagas.Contains(id)!;
        Assert.Equal("Live", saga.CurrentState);
        Assert.True(saga.LateEvents >= 3, $"{saga.LateEvents} late events recorded");
        Assert.Single(await coordinator.TerminalEvents(id));
        Assert.Empty(coordinator.PublishedFor<RollBackDeployment>(id));
    }

    [Fact]
    public async Task A_stage_that_never_answers_times_out_once_and_fails_the_deployment_before_rollout()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await coordinator.Publish(coordinator.Approval(id));
        var building = await coordinator.InState(id, m => m.Building);
        await coordinator.Harness.InactivityTask;
        Assert.Equal(coordinator.Now.AddSeconds(600), building.DeadlineAt);

        coordinator.Clock.Advance(TimeSpan.FromSeconds(599));
        await coordinator.Harness.InactivityTask;
        Assert.Equal(0, await coordinator.Sweeper.SweepOnce());
        coordinator.Clock.Advance(TimeSpan.FromSeconds(2));
        await coordinator.Harness.InactivityTask;
        Assert.Equal(1, await coordinator.Sweeper.SweepOnce());

        var failed = await coordinator.InState(id, m => m.Failed);
        // The in-memory saga is changed in place while the timeout is handled; sweep again once that is done.
        await coordinator.Harness.InactivityTask;
        Assert.Equal(0, await coordinator.Sweeper.SweepOnce());
        var terminal = Assert.IsType<DeploymentFailed>(Assert.Single(await coordinator.TerminalEvents(id)));
        Assert.Contains("Building did not finish before its deadline", terminal.Reason, StringComparison.Ordinal);
        Assert.Single(coordinator.PublishedFor<StageTimedOut>(id));
        Assert.Equal(PipelineStage.Builder, coordinator.PublishedFor<StageTimedOut>(id)[0].Stage);
        Assert.Null(failed.DeadlineAt);
    }

    [Fact]
    public async Task A_timeout_once_green_exists_rolls_back()
    {
        await using var coordinator = await CoordinatorHarness.Start(bus =>
            bus.AddHandler<RollBackDeployment>(c => c.Publish(new RolledBack(c.Message.DeploymentId, DateTimeOffset.UtcNow, c.Message.Target, Color.Blue, c.Message.Reason, TimeSpan.Zero))));
        var id = Guid.NewGuid();
        await DriveTo(coordinator, id, "Analyzing");

        coordinator.Clock.Advance(TimeSpan.FromHours(1));
        await coordinator.Harness.InactivityTask;
        await coordinator.Sweeper.SweepOnce();

        await coordinator.InState(id, m => m.RolledBack);
        var terminal = Assert.IsType<DeploymentRolledBack>(Assert.Single(await coordinator.TerminalEvents(id)));
        Assert.Contains("Analyzing did not finish", terminal.Reason, StringComparison.Ordinal);
    }

    public static TheoryData<string, bool> AbortPhases() => new()
    {
        { "Building", false }, { "Scanning", false }, { "Publishing", false },
        { "DeployingGreen", true }, { "Analyzing", true }, { "CuttingOver", true }, { "Soaking", true },
    };

    [Theory]
    [MemberData(nameof(AbortPhases))]
    public async Task Abort_rolls_back_once_green_exists_and_fails_the_deployment_before(string phase, bool rollsBack)
    {
        await using var coordinator = await CoordinatorHarness.Start(bus =>
            bus.AddHandler<RollBackDeployment>(c => c.Publish(new RolledBack(c.Message.DeploymentId, DateTimeOffset.UtcNow, c.Message.Target, Color.Blue, c.Message.Reason, TimeSpan.Zero))));
        var id = Guid.NewGuid();
        await DriveTo(coordinator, id, phase);

        await coordinator.Publish(coordinator.Abort(id, "wrong version"));

        if (rollsBack)
        {
            await coordinator.InState(id, m => m.RolledBack);
            Assert.IsType<DeploymentRolledBack>(Assert.Single(await coordinator.TerminalEvents(id)));
        }
        else
        {
            await coordinator.InState(id, m => m.Failed);
            var failed = Assert.IsType<DeploymentFailed>(Assert.Single(await coordinator.TerminalEvents(id)));
            Assert.Contains("aborted by ops@osha.example (key ops-test) before rollout: wrong version", failed.Reason, StringComparison.Ordinal);
            Assert.Empty(coordinator.PublishedFor<RollBackDeployment>(id));
        }
    }

    [Fact]
    public async Task Promote_ends_the_soak_early()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await DriveTo(coordinator, id, "Soaking");

        await coordinator.Publish(coordinator.Promote(id));

        var saga = await coordinator.InState(id, m => m.Live);
        Assert.IsType<DeploymentCompleted>(Assert.Single(await coordinator.TerminalEvents(id)));
        Assert.Single(coordinator.PublishedFor<FinalizeDeployment>(id));
        Assert.Equal("ops@osha.example (key ops-test)", saga.PromotedBy);
    }

    [Fact]
    public async Task A_failure_reported_by_Rollout_while_green_comes_up_rolls_back()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await DriveTo(coordinator, id, "DeployingGreen");

        await coordinator.Publish(new DeploymentFailed(id, coordinator.Now, Target, PipelineStage.Rollout, "progress deadline of 600 s exceeded: 0 of 2 replicas ready"));

        var saga = await coordinator.InState(id, m => m.RollingBack);
        Assert.Contains("progress deadline", saga.LastError, StringComparison.Ordinal);
        Assert.Single(coordinator.PublishedFor<RollBackDeployment>(id));
    }

    [Fact]
    public async Task Status_is_answered_for_known_and_unknown_deployments()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await DriveTo(coordinator, id, "Analyzing");
        var client = coordinator.Harness.GetRequestClient<GetDeploymentStatus>();

        var known = await client.GetResponse<DeploymentStatus>(new GetDeploymentStatus(id));
        var unknown = await client.GetResponse<DeploymentStatus>(new GetDeploymentStatus(Guid.NewGuid()));

        Assert.True(known.Message.Found);
        Assert.Equal("Analyzing", known.Message.State);
        Assert.Equal(Target, known.Message.Target);
        Assert.Equal("Analyzing", known.Message.Stages![^1].Stage);
        Assert.False(unknown.Message.Found);
        Assert.Null(unknown.Message.State);
    }

    /// <summary>Publishes, as the stages would, the events that bring a deployment to <paramref name="phase"/>.</summary>
    internal static async Task DriveTo(CoordinatorHarness coordinator, Guid id, string phase, DeploymentTarget? target = null)
    {
        var to = target ?? Target;
        var steps = new (string Reached, Func<object> Event)[]
        {
            ("Building", () => coordinator.Approval(id, to)),
            ("Scanning", () => new ImageBuilt(id, coordinator.Now, to, Quarantine, 1, [], TimeSpan.Zero)),
            ("Publishing", () => new ImageScanned(id, coordinator.Now, to, Quarantine, true, [])),
            ("DeployingGreen", () => new ImagePublished(id, coordinator.Now, to, Release, "1.1.0", "sig")),
            ("Analyzing", () => new GreenReady(id, coordinator.Now, to, Release, Color.Green, "http://preview", 1, TimeSpan.Zero)),
            ("CuttingOver", () => new KpiPassed(id, coordinator.Now, to, AnalysisPhase.PrePromotion, [])),
            ("Soaking", () => new TrafficCutOver(id, coordinator.Now, to, Color.Green, Color.Blue, TimeSpan.Zero)),
        };
        foreach (var (reached, next) in steps)
        {
            await coordinator.Harness.Bus.Publish(next());
            var state = coordinator.Machine.States.Single(s => s.Name == reached);
            await coordinator.InState(id, _ => state);
            if (reached == phase)
            {
                return;
            }
        }
    }
}
