using Bpdp.Contracts;
using Bpdp.Coordinator.TargetLocks;
using Bpdp.Platform.Bus;
using Bpdp.Platform.Security;
using Bpdp.Policy;
using Bpdp.Trust.Approvals;
using Bpdp.Trust.Operators;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Bpdp.Coordinator.Saga;

/// <summary>
/// One deployment, from approval to exactly one terminal event. Stages choreograph the artifact's path
/// (build, scan, publish) and the saga follows it; every step that touches production is a command from
/// here, and only for a deployment whose approval the saga verified itself and whose events agree with
/// each other (<see cref="EventEvidence"/>): an event that names another target or image is refused and
/// recorded, never acted on. An event that arrives before the one it follows (or before the approval) is
/// held until that one arrives; one never followed by a verified approval is refused at its deadline.
/// Any failed gate, stage failure, timeout or abort once green exists means a rollback; before that it
/// means the deployment failed. Duplicates are ignored; events after the end are counted and ignored.
/// </summary>
public sealed class DeploymentStateMachine : MassTransitStateMachine<DeploymentState>
{
    private readonly CoordinatorOptions options;
    private readonly TimeProvider clock;
    private readonly ITargetLocks targetLocks;
    private readonly ApprovalEvidence approvals;
    private readonly OperatorCommandEvidence operators;
    private readonly ILogger<DeploymentStateMachine> logger;

    public DeploymentStateMachine(IOptions<CoordinatorOptions> options, TimeProvider clock, ITargetLocks targetLocks,
        [FromKeyedServices(CoordinatorStage.ApprovalEvidenceKey)] ApprovalEvidence approvals, OperatorCommandEvidence operators, ILogger<DeploymentStateMachine> logger)
    {
        this.options = options.Value;
        this.clock = clock;
        this.targetLocks = targetLocks;
        this.approvals = approvals;
        this.operators = operators;
        this.logger = logger;
        InstanceState(x => x.CurrentState);

        Correlate(() => ArtifactApproved);
        Correlate(() => ArtifactRejected);
        Correlate(() => ImageBuilt);
        Correlate(() => ImageScanned);
        Correlate(() => ImagePublished);
        Correlate(() => GreenReady, discardWhenMissing: true);
        Correlate(() => KpiPassed, discardWhenMissing: true);
        Correlate(() => KpiFailed, discardWhenMissing: true);
        Correlate(() => TrafficCutOver, discardWhenMissing: true);
        Correlate(() => TrafficRolledBack, discardWhenMissing: true);
        Correlate(() => StageFailed, discardWhenMissing: true);
        Correlate(() => StageTimedOut, discardWhenMissing: true);
        Event(() => TargetRecheckDue, x =>
        {
            x.CorrelateById(context => context.Message.DeploymentId);
            x.OnMissingInstance(missing => missing.Discard());
        });
        Correlate(() => AbortRequested, discardWhenMissing: true);
        Correlate(() => PromoteRequested, discardWhenMissing: true);
        CorrelateFault(() => BuildFaulted);
        CorrelateFault(() => ScanFaulted);
        CorrelateFault(() => PublishFaulted);
        CorrelateFault(() => DeployFaulted);
        CorrelateFault(() => CutOverFaulted);
        CorrelateFault(() => RollBackFaulted);
        Event(() => StatusRequested, x =>
        {
            x.CorrelateById(context => context.Message.DeploymentId);
            x.ReadOnly = true;
            x.OnMissingInstance(missing => missing.ExecuteAsync(context => context.RespondAsync(new DeploymentStatus(context.Message.DeploymentId, Found: false))));
        });

        OnUnhandledEvent(context => context.Ignore());

        // Only a verified approval starts the forward path; a stage's event that comes first is held for it.
        Initially(
            OnArtifactApproved(When(ArtifactApproved).Then(c => Start(c.Saga, c.Message.Target))),
            OnArtifactRejected(When(ArtifactRejected).Then(c => Start(c.Saga, c.Message.Target))),
            When(ImageBuilt).Then(c => Start(c.Saga, c.Message.Target)).Then(c => c.Saga.HeldBuilt = c.Message).TransitionTo(AwaitingApproval),
            When(ImageScanned).Then(c => Start(c.Saga, c.Message.Target)).Then(c => c.Saga.HeldScan = c.Message).TransitionTo(AwaitingApproval),
            When(ImagePublished).Then(c => Start(c.Saga, c.Message.Target)).Then(c => c.Saga.HeldPublished = c.Message).TransitionTo(AwaitingApproval));

        During(AwaitingApproval,
            [
                OnArtifactApproved(When(ArtifactApproved)),
                OnArtifactRejected(When(ArtifactRejected)),
                .. HoldBuilt(), .. HoldScan(), .. HoldPublished(),
                When(StageTimedOut, IsCurrentDeadline).Then(c => c.Saga.LastError = NotApprovedReason(c.Saga)).ThenAsync(c => RefuseHeld(c, RefusalReason.NotApproved, c.Saga.LastError!))
                    .Publish(c => Rejection(c.Saga, PipelineStage.Coordinator, c.Saga.LastError!), Once).TransitionTo(Rejected),
                When(StageFailed, ReportedByAStage).Then(c => c.Saga.LastError = $"{c.Message.Stage}: {c.Message.Reason}").Publish(c => Failure(c.Saga), Once).TransitionTo(Failed),
                When(BuildFaulted).Then(c => c.Saga.LastError = FaultReason("the Builder", c.Message)).Publish(c => Failure(c.Saga), Once).TransitionTo(Failed),
                When(ScanFaulted).Then(c => c.Saga.LastError = FaultReason("the Scanner", c.Message)).Publish(c => Failure(c.Saga), Once).TransitionTo(Failed),
                When(PublishFaulted).Then(c => c.Saga.LastError = FaultReason("the Publisher", c.Message)).Publish(c => Failure(c.Saga), Once).TransitionTo(Failed),

                // The target is only claimed until the approval is verified, so no operator key's agency can be checked against it.
                RefusedWhen(AbortRequested, (_, _) => NotYetApproved),
                RefusedWhen(PromoteRequested, (_, _) => NotYetApproved),
            ]);

        During(Building,
            [
                OnArtifactRejected(When(ArtifactRejected)),
                When(ImageBuilt, c => EventEvidence.Of(c.Saga, c.Message) is null).Then(c => c.Saga.BuiltImage = c.Saga.Image = c.Message.Image)
                    .TransitionTo(Scanning).ThenAsync(ReleaseHeld),
                RefusedWhen(ImageBuilt, EventEvidence.Of),
                .. HoldScan(), .. HoldPublished(),
                When(BuildFaulted).Then(c => c.Saga.LastError = FaultReason("the Builder", c.Message)).Publish(c => Failure(c.Saga), Once).TransitionTo(Failed),
            ]);

        During(Building, Scanning,
            When(ScanFaulted).Then(c => c.Saga.LastError = FaultReason("the Scanner", c.Message)).Publish(c => Failure(c.Saga), Once).TransitionTo(Failed));

        During(Scanning,
            [
                OnScanPassed(When(ImageScanned, c => c.Message.Passed && EventEvidence.Of(c.Saga, c.Message) is null)),
                OnScanBlocked(When(ImageScanned, c => !c.Message.Passed && EventEvidence.Of(c.Saga, c.Message) is null)),
                RefusedWhen(ImageScanned, EventEvidence.Of),
                .. HoldPublished(),
            ]);

        During(Publishing,
            OnImagePublished(When(ImagePublished, c => EventEvidence.Of(c.Saga, c.Message) is null)),
            RefusedWhen(ImagePublished, EventEvidence.Of));

        // Once a stage has reported, a different claim about its image is refused; the same claim again is a duplicate.
        State[] rollingOut = [DeployingGreen, Analyzing, CuttingOver, Soaking, Paused, RollingBack];
        During([Scanning, Publishing, WaitingForTarget, .. rollingOut], RefusedWhen(ImageBuilt, EventEvidence.Of));
        During([Publishing, WaitingForTarget, .. rollingOut], RefusedWhen(ImageScanned, EventEvidence.Of));
        During([WaitingForTarget, .. rollingOut], RefusedWhen(ImagePublished, EventEvidence.Of));
        During(rollingOut, RefusedWhen(GreenReady, EventEvidence.Of));

        During(Building, Scanning, Publishing,
            When(PublishFaulted).Then(c => c.Saga.LastError = FaultReason("the Publisher", c.Message)).Publish(c => Failure(c.Saga), Once).TransitionTo(Failed),
            When(StageFailed, ReportedByAStage).Then(c => c.Saga.LastError = $"{c.Message.Stage}: {c.Message.Reason}")
                .Publish(c => Failure(c.Saga), Once).TransitionTo(Failed),
            When(StageTimedOut, IsCurrentDeadline).Then(c => c.Saga.LastError = TimeoutReason(c.Saga))
                .Publish(c => Failure(c.Saga), Once).TransitionTo(Failed),
            OnAbortBeforeRollout(When(AbortRequested, Authorized)));

        // One deployment at a time per target: a waiting deployment checks again at each of its (short) deadlines.
        During(WaitingForTarget,
            When(TargetRecheckDue, c => c.Message.Due == c.Saga.DeadlineAt)
                .IfElseAsync(EnterTarget, DeployGreenNow, wait => wait.Then(c => c.Saga.DeadlineAt = Now + this.options.DeadlineFor(nameof(WaitingForTarget))!.Value)),
            // What an earlier Coordinator sent for a re-check; a wait has no timeout to miss.
            Ignore(StageTimedOut),
            OnAbortBeforeRollout(When(AbortRequested, Authorized)));
        // A re-check that arrives once the deployment stopped waiting (a redelivery, a sweep that raced the lock) changes nothing.
        During([.. States.Where(state => state != WaitingForTarget && state != Initial)], Ignore(TargetRecheckDue));

        During(DeployingGreen,
            When(GreenReady, c => EventEvidence.Of(c.Saga, c.Message) is null).Then(c => c.Saga.NewColor = c.Message.Color).TransitionTo(Analyzing),
            When(DeployFaulted).Then(c => c.Saga.LastError = FaultReason("Rollout", c.Message)).ThenAsync(RequestRollBack).TransitionTo(RollingBack));

        // The KPI gate reacts to GreenReady and TrafficCutOver on its own, so its verdict can overtake them here.
        During(DeployingGreen, Analyzing,
            When(KpiPassed, c => c.Message.Phase == AnalysisPhase.PrePromotion && !c.Saga.ManualPromotion).Then(RecordKpis)
                .Publish(c => new CutOverTraffic(c.Saga.CorrelationId, Now, c.Saga.Target!, c.Saga.NewColor ?? Color.Green), Once).TransitionTo(CuttingOver),
            When(KpiPassed, c => c.Message.Phase == AnalysisPhase.PrePromotion && c.Saga.ManualPromotion).Then(RecordKpis)
                .Then(c => c.Saga.WaitingFor = "a manual promotion (deploy.promotion: manual): the pre-promotion gate passed; bpdp promote cuts over, bpdp abort rolls back")
                .TransitionTo(Paused),
            When(KpiFailed, c => c.Message.Phase == AnalysisPhase.PrePromotion && PausesFor(c)).Then(RecordKpis)
                .Then(c => c.Saga.WaitingFor = $"an operator: the pre-promotion gate was inconclusive ({c.Message.Reason}); bpdp promote cuts over, bpdp abort rolls back")
                .TransitionTo(Paused),
            When(KpiFailed, c => c.Message.Phase == AnalysisPhase.PrePromotion && !PausesFor(c)).Then(RecordKpis).Then(c => c.Saga.LastError = $"pre-promotion KPI gate failed: {c.Message.Reason}")
                .ThenAsync(RequestRollBack).TransitionTo(RollingBack));

        During([DeployingGreen, Analyzing, CuttingOver, Soaking, Paused],
            When(StageFailed, ReportedByAStage).Then(c => c.Saga.LastError = $"{c.Message.Stage}: {c.Message.Reason}")
                .ThenAsync(RequestRollBack).TransitionTo(RollingBack),
            When(StageTimedOut, IsCurrentDeadline).Then(c => c.Saga.LastError = TimeoutReason(c.Saga))
                .ThenAsync(RequestRollBack).TransitionTo(RollingBack),
            When(AbortRequested, Authorized).Then(c => c.Saga.LastError = $"aborted by {Operator(c)}: {c.Message.Reason}")
                .ThenAsync(RequestRollBack).TransitionTo(RollingBack));

        During(CuttingOver,
            When(TrafficCutOver).Then(c => c.Saga.TrafficMoved = true).TransitionTo(Soaking),
            When(CutOverFaulted).Then(c => c.Saga.LastError = FaultReason("Rollout", c.Message)).ThenAsync(RequestRollBack).TransitionTo(RollingBack));

        During(CuttingOver, Soaking,
            When(KpiPassed, c => c.Message.Phase == AnalysisPhase.PostPromotion).Then(RecordKpis).ThenAsync(Finalize).TransitionTo(Live),
            When(KpiFailed, c => c.Message.Phase == AnalysisPhase.PostPromotion && PausesFor(c)).Then(RecordKpis)
                .Then(c => c.Saga.WaitingFor = $"an operator: the post-promotion gate was inconclusive ({c.Message.Reason}); bpdp promote keeps the new version, bpdp abort rolls back")
                .TransitionTo(Paused),
            When(KpiFailed, c => c.Message.Phase == AnalysisPhase.PostPromotion && !PausesFor(c)).Then(RecordKpis).Then(c => c.Saga.LastError = $"post-promotion KPI gate failed: {c.Message.Reason}")
                .ThenAsync(RequestRollBack).TransitionTo(RollingBack));

        During(Soaking,
            When(PromoteRequested, Authorized).Then(c => c.Saga.PromotedBy = Operator(c)).ThenAsync(Finalize).TransitionTo(Live));

        // A paused deployment waits for a person: a promotion goes on from where it stopped, an abort rolls back, the deadline rolls back too.
        During(Paused,
            // A verdict may overtake the cutover it judges: the deployment paused after the post-promotion gate still learns that traffic moved.
            When(TrafficCutOver).Then(c => c.Saga.TrafficMoved = true),
            When(PromoteRequested, c => Authorized(c) && !c.Saga.TrafficMoved).Then(c => c.Saga.PromotedBy = Operator(c))
                .Publish(c => new CutOverTraffic(c.Saga.CorrelationId, Now, c.Saga.Target!, c.Saga.NewColor ?? Color.Green), Once).TransitionTo(CuttingOver),
            When(PromoteRequested, c => Authorized(c) && c.Saga.TrafficMoved).Then(c => c.Saga.PromotedBy = Operator(c)).ThenAsync(Finalize).TransitionTo(Live));

        // An operator command whose signature, key, role or agency does not hold is refused and recorded in every state it could change.
        During([Building, Scanning, Publishing, WaitingForTarget, .. rollingOut],
            When(AbortRequested, c => !Authorized(c)).ThenAsync(c => RefuseEvent(c, Problem(CheckOf(c))!)),
            When(PromoteRequested, c => !Authorized(c)).ThenAsync(c => RefuseEvent(c, Problem(CheckOf(c))!)));

        During(RollingBack,
            When(TrafficRolledBack).Publish(c => new DeploymentRolledBack(c.Saga.CorrelationId, Now, c.Saga.Target!, c.Saga.LastError ?? "rolled back"), Once)
                .TransitionTo(RolledBack),
            When(RollBackFaulted).Then(c => c.Saga.LastError = $"the rollback itself failed, an operator must act: {FaultReason("Rollout", c.Message)}")
                .Publish(c => Failure(c.Saga), Once).TransitionTo(Failed),
            When(StageFailed, ReportedByAStage).Then(c => c.Saga.LastError = $"the rollback itself failed, an operator must act: {c.Message.Stage}: {c.Message.Reason}")
                .Publish(c => Failure(c.Saga), Once).TransitionTo(Failed),
            When(StageTimedOut, IsCurrentDeadline).Then(c => c.Saga.LastError = $"the rollback did not finish in time, an operator must act ({c.Saga.LastError})")
                .Publish(c => Failure(c.Saga), Once).TransitionTo(Failed));

        // The final states are the state table's: Live, Rejected, Failed and RolledBack.
        State[] ended = [.. StateTable.Rows.Where(row => row.IsFinal).Select(row => GetState(row.Name))];
        During(ended,
            When(ArtifactApproved).ThenAsync(RefuseReplay), When(ArtifactRejected).Then(Late), When(ImageBuilt).Then(Late),
            When(ImageScanned).Then(Late), When(ImagePublished).Then(Late), When(GreenReady).Then(Late),
            When(KpiPassed).Then(Late), When(KpiFailed).Then(Late), When(TrafficCutOver).Then(Late),
            When(TrafficRolledBack).Then(Late), When(StageFailed, ReportedByAStage).Then(Late),
            When(StageTimedOut).Then(Late), When(AbortRequested).Then(Late), When(PromoteRequested).Then(Late));

        // Registered before the final states' entry actions, so a stage is timed before its target lock is let go.
        WhenEnterAny(enter => enter.Then(context => EnterStage(context.Saga)));
        foreach (var state in ended)
        {
            WhenEnter(state, binder => binder.ThenAsync(LeaveTarget));
        }

        DuringAny(When(StatusRequested).RespondAsync(c => Task.FromResult(Status(c.Saga))));

        StateTable.RequireRowsFor(States.Select(state => state.Name).Where(name => name != Initial.Name && name != Final.Name));
    }

    public State AwaitingApproval { get; private set; } = null!;
    public State Building { get; private set; } = null!;
    public State Scanning { get; private set; } = null!;
    public State Publishing { get; private set; } = null!;
    public State WaitingForTarget { get; private set; } = null!;
    public State DeployingGreen { get; private set; } = null!;
    public State Analyzing { get; private set; } = null!;
    public State Paused { get; private set; } = null!;
    public State CuttingOver { get; private set; } = null!;
    public State Soaking { get; private set; } = null!;
    public State RollingBack { get; private set; } = null!;
    public State Live { get; private set; } = null!;
    public State Rejected { get; private set; } = null!;
    public State Failed { get; private set; } = null!;
    public State RolledBack { get; private set; } = null!;

    public Event<ArtifactApproved> ArtifactApproved { get; private set; } = null!;
    public Event<ArtifactRejected> ArtifactRejected { get; private set; } = null!;
    public Event<ImageBuilt> ImageBuilt { get; private set; } = null!;
    public Event<ImageScanned> ImageScanned { get; private set; } = null!;
    public Event<ImagePublished> ImagePublished { get; private set; } = null!;
    public Event<GreenReady> GreenReady { get; private set; } = null!;
    public Event<KpiPassed> KpiPassed { get; private set; } = null!;
    public Event<KpiFailed> KpiFailed { get; private set; } = null!;
    public Event<TrafficCutOver> TrafficCutOver { get; private set; } = null!;
    public Event<RolledBack> TrafficRolledBack { get; private set; } = null!;
    public Event<DeploymentFailed> StageFailed { get; private set; } = null!;
    public Event<StageTimedOut> StageTimedOut { get; private set; } = null!;
    public Event<RecheckTarget> TargetRecheckDue { get; private set; } = null!;
    public Event<AbortDeployment> AbortRequested { get; private set; } = null!;
    public Event<PromoteDeployment> PromoteRequested { get; private set; } = null!;
    public Event<GetDeploymentStatus> StatusRequested { get; private set; } = null!;
    public Event<Fault<ArtifactApproved>> BuildFaulted { get; private set; } = null!;
    public Event<Fault<ImageBuilt>> ScanFaulted { get; private set; } = null!;
    public Event<Fault<ImageScanned>> PublishFaulted { get; private set; } = null!;
    public Event<Fault<DeployGreen>> DeployFaulted { get; private set; } = null!;
    public Event<Fault<CutOverTraffic>> CutOverFaulted { get; private set; } = null!;
    public Event<Fault<RollBackDeployment>> RollBackFaulted { get; private set; } = null!;

    /// <summary>The states a deployment ends in (<see cref="StateTable.FinalStates"/>); each is entered once, with one terminal event.</summary>
    public static readonly IReadOnlySet<string> FinalStates = StateTable.FinalStates;

    private DateTimeOffset Now => clock.GetUtcNow();

    private void Correlate<T>(System.Linq.Expressions.Expression<Func<Event<T>>> property, bool discardWhenMissing = false)
        where T : class, IPipelineMessage =>
        Event(property, x =>
        {
            x.CorrelateById(context => context.Message.DeploymentId);
            if (discardWhenMissing)
            {
                x.OnMissingInstance(missing => missing.Discard());
            }
        });

    private void CorrelateFault<T>(System.Linq.Expressions.Expression<Func<Event<Fault<T>>>> property)
        where T : class, IPipelineMessage =>
        Event(property, x =>
        {
            x.CorrelateById(context => context.Message.Message.DeploymentId);
            x.OnMissingInstance(missing => missing.Discard());
        });

    /// <summary>The first event of a deployment sets its target, which every later command names, and when it began.</summary>
    private void Start(DeploymentState saga, DeploymentTarget target)
    {
        saga.Target = target;
        saga.CreatedAt = Now;
    }

    /// <summary>
    /// The saga verifies the approval itself, with the Coordinator's own trusted keys: a verified one starts the forward
    /// path and releases what was held; a refused one ends the deployment rejected, blaming the Coordinator, and refuses
    /// everything held for it.
    /// </summary>
    private EventActivityBinder<DeploymentState, ArtifactApproved> OnArtifactApproved(EventActivityBinder<DeploymentState, ArtifactApproved> when) =>
        when.Then(CheckApproval).IfElse(c => c.Saga.ApprovalVerified,
            verified => verified.TransitionTo(Building).ThenAsync(ReleaseHeld),
            refused => refused.ThenAsync(RefuseApproval).Publish(c => Rejection(c.Saga, PipelineStage.Coordinator, c.Saga.LastError!), Once).TransitionTo(Rejected));

    private void CheckApproval(BehaviorContext<DeploymentState, ArtifactApproved> context)
    {
        var check = approvals.Check(context.Message);
        context.Saga.Target = context.Message.Target;
        context.Saga.ApprovalVerified = check.IsAccepted;
        if (check.IsAccepted && PolicyValidator.Validate(context.Message.PolicyYaml).Policy?.Module.Deploy is { } deploy)
        {
            context.Saga.AnalysisSeconds = deploy.Analysis.Interval.TotalSeconds * deploy.Analysis.Count;
            context.Saga.SoakSeconds = deploy.Soak.TotalSeconds;
            context.Saga.ManualPromotion = deploy.ManualPromotion;
            context.Saga.RollBackWhenInconclusive = !deploy.Analysis.PauseOnInconclusive;
        }

        if (!check.IsAccepted)
        {
            context.Saga.LastError = $"the Coordinator refused the approval ({check.Reason}): {check.Message}";
        }
    }

    private async Task RefuseApproval(BehaviorContext<DeploymentState, ArtifactApproved> context)
    {
        await RefuseEvent(context, new EvidenceProblem(RefusalReason.ApprovalRefused, context.Saga.LastError!));
        await RefuseHeld(context, RefusalReason.NotApproved, "the deployment's approval was refused");
    }

    /// <summary>
    /// Raises the held event that follows the stage just reached, if any: once the approval is verified the held build,
    /// once the build is known the held scan, once the scan passed the held release. Each is then checked as if it had just arrived.
    /// </summary>
    private async Task ReleaseHeld<T>(BehaviorContext<DeploymentState, T> context)
        where T : class
    {
        var saga = context.Saga;
        if (saga.CurrentState == Building.Name && saga.HeldBuilt is { } built)
        {
            saga.HeldBuilt = null;
            await context.Raise(ImageBuilt, built);
        }
        else if (saga.CurrentState == Scanning.Name && saga.HeldScan is { } scan)
        {
            saga.HeldScan = null;
            await context.Raise(ImageScanned, scan);
        }
        else if (saga.CurrentState == Publishing.Name && saga.HeldPublished is { } published)
        {
            saga.HeldPublished = null;
            await context.Raise(ImagePublished, published);
        }
    }

    private EventActivities<DeploymentState>[] HoldBuilt() =>
        Hold(ImageBuilt, saga => saga.HeldBuilt, (saga, built) => saga.HeldBuilt = built, built => (built.Target, built.Image));

    private EventActivities<DeploymentState>[] HoldScan() =>
        Hold(ImageScanned, saga => saga.HeldScan, (saga, scan) => saga.HeldScan = scan, scan => (scan.Target, scan.Image, scan.Passed));

    private EventActivities<DeploymentState>[] HoldPublished() =>
        Hold(ImagePublished, saga => saga.HeldPublished, (saga, published) => saga.HeldPublished = published, published => (published.Target, published.Image));

    /// <summary>Keeps the first event of its kind that arrived early; a later one claiming the same is a duplicate, one claiming otherwise is refused.</summary>
    private EventActivities<DeploymentState>[] Hold<T>(Event<T> @event, Func<DeploymentState, T?> held, Action<DeploymentState, T> keep, Func<T, object> claim)
        where T : class, IPipelineMessage =>
    [
        When(@event, c => held(c.Saga) is null).Then(c => keep(c.Saga, c.Message)),
        RefusedWhen(@event, (saga, message) => EventEvidence.Conflicts(held(saga), message, claim)),
    ];

    /// <summary>Refuses and records an event whose evidence does not hold (<paramref name="problem"/>); nothing else happens.</summary>
    private EventActivities<DeploymentState> RefusedWhen<T>(Event<T> @event, Func<DeploymentState, T, EvidenceProblem?> problem)
        where T : class, IPipelineMessage =>
        When(@event, c => problem(c.Saga, c.Message) is not null).ThenAsync(c => RefuseEvent(c, problem(c.Saga, c.Message)!));

    private async Task RefuseEvent<T>(BehaviorContext<DeploymentState, T> context, EvidenceProblem problem)
        where T : class
    {
        context.Saga.RefusedMessages++;
        await context.Refuse(logger, new MessageRefused(context.Saga.CorrelationId, Now, PipelineStage.Coordinator, typeof(T).Name, problem.Reason, problem.Detail),
            context.MessageId?.ToString("N"));
    }

    /// <summary>Refuses every held event, each with its own <see cref="MessageRefused"/>, and lets go of them.</summary>
    private async Task RefuseHeld<T>(BehaviorContext<DeploymentState, T> context, RefusalReason reason, string detail)
        where T : class
    {
        var saga = context.Saga;
        var held = Held(saga);
        saga.HeldBuilt = null;
        saga.HeldScan = null;
        saga.HeldPublished = null;
        foreach (var message in held)
        {
            saga.RefusedMessages++;
            await context.Refuse(logger, new MessageRefused(saga.CorrelationId, Now, PipelineStage.Coordinator, message.GetType().Name, reason, detail));
        }
    }

    private string NotApprovedReason(DeploymentState saga) =>
        $"no approval the Coordinator could verify arrived within {options.Deadlines.AwaitingApproval:F0} s of " +
        $"{string.Join(", ", Held(saga).Select(m => m.GetType().Name))}; refused without acting on it";

    /// <summary>The events held for the deployment, in stage order.</summary>
    private static List<IPipelineMessage> Held(DeploymentState saga) =>
        [.. new IPipelineMessage?[] { saga.HeldBuilt, saga.HeldScan, saga.HeldPublished }.OfType<IPipelineMessage>()];

    /// <summary>The Builder refused the approval: the deployment ends rejected, blaming the Builder.</summary>
    private EventActivityBinder<DeploymentState, ArtifactRejected> OnArtifactRejected(EventActivityBinder<DeploymentState, ArtifactRejected> when) =>
        when.Then(c => c.Saga.LastError = c.Message.Message).ThenAsync(c => RefuseHeld(c, RefusalReason.NotApproved, "the Builder refused the deployment's approval"))
            .Publish(c => Rejection(c.Saga, PipelineStage.Builder, c.Message.Message), Once).TransitionTo(Rejected);

    private EventActivityBinder<DeploymentState, ImageScanned> OnScanPassed(EventActivityBinder<DeploymentState, ImageScanned> when) =>
        when.Then(c => c.Saga.ScannedImage = c.Saga.Image = c.Message.Image).TransitionTo(Publishing).ThenAsync(ReleaseHeld);

    /// <summary>A scan that did not pass ends the deployment rejected, blaming the Scanner and naming the findings.</summary>
    private EventActivityBinder<DeploymentState, ImageScanned> OnScanBlocked(EventActivityBinder<DeploymentState, ImageScanned> when) =>
        when.Then(c => c.Saga.LastError = ScanReason(c.Message))
            .Publish(c => Rejection(c.Saga, PipelineStage.Scanner, c.Saga.LastError!), Once).TransitionTo(Rejected);

    /// <summary>A published image goes to green at once when its target is free; otherwise the deployment waits for the target.</summary>
    private EventActivityBinder<DeploymentState, ImagePublished> OnImagePublished(EventActivityBinder<DeploymentState, ImagePublished> when) =>
        when.Then(c => c.Saga.ReleasedImage = c.Saga.Image = c.Message.Image)
            .IfElseAsync(EnterTarget, DeployGreenNow, wait => wait.TransitionTo(WaitingForTarget));

    private EventActivityBinder<DeploymentState, T> DeployGreenNow<T>(EventActivityBinder<DeploymentState, T> entered)
        where T : class =>
        entered.Publish(c => DeployGreen(c.Saga), Once).TransitionTo(DeployingGreen);

    /// <summary>An abort before green exists has nothing to roll back: the deployment fails.</summary>
    private EventActivityBinder<DeploymentState, AbortDeployment> OnAbortBeforeRollout(EventActivityBinder<DeploymentState, AbortDeployment> when) =>
        when.Then(c => c.Saga.LastError = $"aborted by {Operator(c)} before rollout: {c.Message.Reason}")
            .Publish(c => Failure(c.Saga), Once).TransitionTo(Failed);

    private static readonly EvidenceProblem NotYetApproved = new(RefusalReason.NotAuthorized,
        "the deployment's approval is not verified yet, so the agency it belongs to is not known: no operator command is accepted for it");

    /// <summary>An operator command acts only when signed by an operator key whose roles and agencies cover it (<see cref="OperatorCommandEvidence"/>).</summary>
    private bool Authorized(BehaviorContext<DeploymentState, AbortDeployment> context) => CheckOf(context).IsAccepted;

    private bool Authorized(BehaviorContext<DeploymentState, PromoteDeployment> context) => CheckOf(context).IsAccepted;

    /// <summary>Who signed the command, as verified: <c>requestedBy (key id)</c>.</summary>
    private string Operator(BehaviorContext<DeploymentState, AbortDeployment> context) => CheckOf(context).Operator ?? context.Message.RequestedBy;

    private string Operator(BehaviorContext<DeploymentState, PromoteDeployment> context) => CheckOf(context).Operator ?? context.Message.RequestedBy;

    /// <summary>The command is checked once per delivery, so the filter, the refusal and the record cannot disagree at a validity boundary.</summary>
    private OperatorCheck CheckOf(BehaviorContext<DeploymentState, AbortDeployment> context) =>
        context.GetOrAddPayload(() => new OperatorVerdict(operators.Check(context.Message, context.Saga.Target!))).Check;

    private OperatorCheck CheckOf(BehaviorContext<DeploymentState, PromoteDeployment> context) =>
        context.GetOrAddPayload(() => new OperatorVerdict(operators.Check(context.Message, context.Saga.Target!))).Check;

    private sealed record OperatorVerdict(OperatorCheck Check);

    private static EvidenceProblem? Problem(OperatorCheck check) => check.IsAccepted ? null : new EvidenceProblem(check.Reason!.Value, check.Message!);

    /// <summary>The saga receives its own terminal <see cref="DeploymentFailed"/> too; only a stage's failure is acted on.</summary>
    private static bool ReportedByAStage(BehaviorContext<DeploymentState, DeploymentFailed> context) => context.Message.Stage != PipelineStage.Coordinator;

    /// <summary>A timeout counts only for the deadline the saga still has: a repeated sweep, or one for a stage already left, changes nothing.</summary>
    private static bool IsCurrentDeadline(BehaviorContext<DeploymentState, StageTimedOut> context) => context.Message.Deadline == context.Saga.DeadlineAt;

    private async Task RequestRollBack<T>(BehaviorContext<DeploymentState, T> context)
        where T : class =>
        await context.Publish(new RollBackDeployment(context.Saga.CorrelationId, Now, context.Saga.Target!, context.Saga.LastError ?? "rollback requested"), Once);

    /// <summary>Going live publishes two messages: the command that retires the old color, then the terminal event.</summary>
    private async Task Finalize<T>(BehaviorContext<DeploymentState, T> context)
        where T : class
    {
        var saga = context.Saga;
        await context.Publish(new FinalizeDeployment(saga.CorrelationId, Now, saga.Target!), Once);
        await context.Publish(new DeploymentCompleted(saga.CorrelationId, Now, saga.Target!, saga.Image!, saga.NewColor ?? Color.Green), Once);
    }

    /// <summary>An approval of a deployment that has ended, e.g. replayed from the broker after every service restarted: it is acted on once.</summary>
    private Task RefuseReplay(BehaviorContext<DeploymentState, ArtifactApproved> context) =>
        RefuseEvent(context, new EvidenceProblem(RefusalReason.Stale,
            $"deployment {context.Saga.CorrelationId} already ended {context.Saga.CurrentState}: an approval is acted on once; approve again under a new deployment id"));

    private static void Late<T>(BehaviorContext<DeploymentState, T> context)
        where T : class => context.Saga.LateEvents++;

    /// <summary>Every state change closes the running stage, opens the next and sets its deadline; final states have none.</summary>
    private void EnterStage(DeploymentState saga)
    {
        if (saga.CurrentState == Initial.Name)
        {
            return;
        }

        var now = Now;
        if (saga.Stages.Count > 0 && saga.Stages[^1].EndedAt is null)
        {
            saga.Stages[^1] = saga.Stages[^1] with { EndedAt = now };
        }

        var final = StateTable.IsFinal(saga.CurrentState);
        saga.DeadlineAt = DeadlineFor(saga) is { } deadline && !final ? now + deadline : null;
        saga.UpdatedAt = now;
        saga.Stages.Add(new StageTiming(saga.CurrentState, now, final ? now : null));
    }

    /// <summary>The state's configured deadline; for the two analyses, at least the approved policy's own length plus the margin.</summary>
    private TimeSpan? DeadlineFor(DeploymentState saga)
    {
        var configured = options.DeadlineFor(saga.CurrentState);
        var own = saga.CurrentState == nameof(Analyzing) ? saga.AnalysisSeconds : saga.CurrentState == nameof(Soaking) ? saga.SoakSeconds : null;
        return configured is { } limit && own is { } seconds ? TimeSpan.FromSeconds(Math.Max(limit.TotalSeconds, seconds + options.Deadlines.AnalysisMargin)) : configured;
    }

    /// <summary>Agency, environment and policy: what only one deployment at a time may roll out to.</summary>
    public static string TargetKey(DeploymentTarget target) => $"{target.Agency}/{target.Environment}/{target.PolicyName}";

    private Task<bool> EnterTarget<T>(BehaviorContext<DeploymentState, T> context)
        where T : class => targetLocks.TryEnter(TargetKey(context.Saga.Target!), context.Saga.CorrelationId, context.CancellationToken);

    private Task LeaveTarget(BehaviorContext<DeploymentState> context) =>
        context.Saga.Target is { } target ? targetLocks.Leave(TargetKey(target), context.Saga.CorrelationId, context.CancellationToken) : Task.CompletedTask;

    /// <summary>
    /// The saga publishes each command and its terminal event at most once per deployment, so each gets
    /// an id derived from the deployment and the message type (<see cref="OnceId"/>). Messages go out before the state is
    /// saved (there is no transactional outbox here): when a Coordinator dies in between, the retry
    /// publishes the same ids again and every consumer, the ledger included, sees one message.
    /// </summary>
    private static void Once<T>(PublishContext<T> context)
        where T : class, IPipelineMessage =>
        context.MessageId = OnceId(context.Message.DeploymentId, typeof(T).Name);

    /// <summary>The id of the saga's <paramref name="messageType"/> message for a deployment: <see cref="MessageIds.For"/> with the Coordinator as the stage.</summary>
    public static Guid OnceId(Guid deploymentId, string messageType) => MessageIds.For(deploymentId, PipelineStage.Coordinator, messageType);

    private DeployGreen DeployGreen(DeploymentState saga) => new(saga.CorrelationId, Now, saga.Target!, saga.Image!);

    private DeploymentRejected Rejection(DeploymentState saga, PipelineStage stage, string reason) => new(saga.CorrelationId, Now, saga.Target!, stage, reason);

    private DeploymentFailed Failure(DeploymentState saga) => new(saga.CorrelationId, Now, saga.Target!, PipelineStage.Coordinator, saga.LastError ?? "failed");

    private static string ScanReason(ImageScanned scan) =>
        $"the scan blocked the image: {string.Join("; ", scan.Findings.Where(f => f.Severity >= Severity.High).Take(5).Select(f => $"{f.RuleId} ({f.Severity}) {f.Path}".TrimEnd()))}";

    private static string FaultReason<T>(string stage, Fault<T> fault) =>
        $"{stage} could not process {typeof(T).Name}: {fault.Exceptions.FirstOrDefault()?.Message ?? "unknown error"}";

    private static string TimeoutReason(DeploymentState saga) => saga.CurrentState == nameof(Paused)
        ? $"nobody promoted or aborted the paused deployment before {saga.DeadlineAt:O} (Coordinator:Deadlines:Paused); it was waiting for {saga.WaitingFor}"
        : $"{saga.CurrentState} did not finish before its deadline {saga.DeadlineAt:O}";

    private static DeploymentStatus Status(DeploymentState saga) =>
        new(saga.CorrelationId, true, saga.CurrentState, saga.Target, [.. saga.Stages], saga.LastError, saga.UpdatedAt, saga.RefusedMessages, saga.LateEvents,
            saga.CurrentState == nameof(Paused) ? saga.WaitingFor : null, saga.DeadlineAt, [.. saga.Kpis]);

    /// <summary>The verdict's measurements, summed up per metric for <c>bpdp status</c> (the verdict itself, with every measurement, is in the ledger).</summary>
    private static void RecordKpis(BehaviorContext<DeploymentState, KpiPassed> context) => RecordKpis(context.Saga, context.Message.Phase, context.Message.Measurements);

    private static void RecordKpis(BehaviorContext<DeploymentState, KpiFailed> context) => RecordKpis(context.Saga, context.Message.Phase, context.Message.Measurements);

    private static void RecordKpis(DeploymentState saga, AnalysisPhase phase, IReadOnlyList<KpiMeasurement> measurements)
    {
        saga.Kpis.RemoveAll(k => k.Phase == phase);
        saga.Kpis.AddRange(KpiSummary.Of(phase, measurements));
    }

    /// <summary>An inconclusive gate pauses the deployment unless its policy says <c>onInconclusive: rollback</c>.</summary>
    private static bool PausesFor(BehaviorContext<DeploymentState, KpiFailed> context) => context.Message.Inconclusive && !context.Saga.RollBackWhenInconclusive;
}
