using Bpdp.Contracts;

namespace Bpdp.WebConsole.Board;

/// <summary>
/// A deployment's page computed from its events, applied in the order they happened: a late redelivery of an earlier
/// event cannot move a deployment back, and a terminal event is final.
/// </summary>
public static class Projection
{
    private static readonly HashSet<string> Terminal = new(StringComparer.Ordinal) { "Live", "RolledBack", "Failed", "Rejected" };

    public static DeploymentDetail Of(Guid id, IReadOnlyList<Seen> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var ordered = events.OrderBy(e => e.Message.OccurredAt).ThenBy(e => e.Order).ToList();
        var page = new Page(id);
        foreach (var seen in ordered)
        {
            page.Apply(seen);
        }

        return page.Detail(ordered);
    }

    /// <summary>A message as the console received it, with the order of its arrival.</summary>
    /// <param name="Verified">It came through the console's own queue, past the sender check; false for what the ledger replayed.</param>
    public sealed record Seen(Guid MessageId, IPipelineMessage Message, long Order, bool Verified = true);

    private sealed class Page(Guid id)
    {
        private readonly List<StageMark> stages = [];
        private readonly List<GateView> gates = [];
        private readonly List<OperatorAction> actions = [];
        private DeploymentTarget? target;
        private DeploymentTarget? checkedTarget;
        private string? approver;
        private string? approvalReference;
        private string state = "Approved";
        private string? outcome;
        private string? reason;
        private string? image;
        private string? tag;
        private string? signature;
        private string? sbom;
        private string? provenance;
        private bool? scanPassed;
        private DateTimeOffset? endedAt;

        public void Apply(Seen seen)
        {
            var message = seen.Message;
            var named = message.GetType().GetProperty(nameof(ImageBuilt.Target))?.GetValue(message) as DeploymentTarget;
            target ??= named;
            if (seen.Verified)
            {
                checkedTarget ??= named;
            }

            var (stage, detail) = Describe(message);
            stages.Add(new StageMark(message.OccurredAt, message.GetType().Name, stage, detail, seen.MessageId));
            switch (message)
            {
                case ArtifactApproved approved:
                    target ??= approved.Target;
                    approver = approved.ApproverId;
                    approvalReference = approved.ApprovalReference;
                    Move("Building");
                    break;
                case ArtifactRejected rejected:
                    target ??= rejected.Target;
                    End("Rejected", rejected.Message, message.OccurredAt);
                    break;
                case ImageBuilt built:
                    target ??= built.Target;
                    image = built.Image.ToString();
                    Move("Scanning");
                    break;
                case ImageScanned scanned:
                    scanPassed = scanned.Passed;
                    Move(scanned.Passed ? "Publishing" : "Rejecting");
                    break;
                case ImagePublished published:
                    image = published.Image.ToString();
                    (tag, signature, sbom, provenance) = (published.Tag, published.SignatureReference, published.SbomReference, published.ProvenanceReference);
                    Move("DeployingGreen");
                    break;
                case GreenReady:
                    Move("Analyzing");
                    break;
                case KpiPassed passed:
                    gates.Add(Gate(passed.Phase, true, false, $"every metric held ({passed.Measurements.Count} measurements)", passed.Measurements));
                    Move(passed.Phase == AnalysisPhase.PrePromotion ? "Promoting" : "Finalizing");
                    break;
                case KpiFailed failed:
                    gates.Add(Gate(failed.Phase, false, failed.Inconclusive, failed.Reason, failed.Measurements));
                    Move(failed.Inconclusive ? "Inconclusive" : "RollingBack");
                    break;
                case TrafficCutOver:
                    Move("Soaking");
                    break;
                case RolledBack:
                    Move("RollingBack");
                    break;
                case DeploymentCompleted completed:
                    image = completed.Image.ToString();
                    End("Live", null, message.OccurredAt);
                    break;
                case DeploymentRolledBack rolledBack:
                    End("RolledBack", rolledBack.Reason, message.OccurredAt);
                    break;
                case DeploymentRejected rejected:
                    End("Rejected", rejected.Reason, message.OccurredAt);
                    break;
                case DeploymentFailed failed when failed.Stage == PipelineStage.Coordinator:
                    End("Failed", failed.Reason, message.OccurredAt);
                    break;
                case DeploymentFailed failed:
                    reason ??= $"{failed.Stage}: {failed.Reason}";
                    break;
                case AbortDeployment abort:
                    actions.Add(new OperatorAction(abort.OccurredAt, "Abort", abort.RequestedBy, abort.Reason, abort.OperatorKeyId));
                    break;
                case PromoteDeployment promote:
                    actions.Add(new OperatorAction(promote.OccurredAt, "Promote", promote.RequestedBy, null, promote.OperatorKeyId));
                    break;
                default:
                    break;
            }
        }

        public DeploymentDetail Detail(IReadOnlyList<Seen> ordered)
        {
            var started = ordered[0].Message.OccurredAt;
            var updated = ordered[^1].Message.OccurredAt;
            var target = checkedTarget ?? this.target;
            var summary = new DeploymentSummary(id, target?.Agency, target?.Environment, target?.PolicyName, target?.PolicyVersion, approver,
                state, outcome, reason, started, updated, ((endedAt ?? updated) - started).TotalSeconds);
            return new DeploymentDetail(summary, checkedTarget is not null, approvalReference, image, tag, signature, sbom, provenance, scanPassed, stages, gates, actions);
        }

        private void Move(string next)
        {
            if (!Terminal.Contains(state))
            {
                state = next;
            }
        }

        private void End(string terminal, string? why, DateTimeOffset at)
        {
            if (Terminal.Contains(state))
            {
                return;
            }

            state = terminal;
            outcome = terminal;
            reason = why ?? reason;
            endedAt = at;
        }

        private static GateView Gate(AnalysisPhase phase, bool passed, bool inconclusive, string verdict, IReadOnlyList<KpiMeasurement> measurements) =>
            new(phase.ToString(), passed, inconclusive, verdict, [.. measurements.GroupBy(m => m.Metric, StringComparer.Ordinal).Select(metric => new MetricSeries(
                metric.Key, metric.First().Threshold, metric.First().Condition, metric.First().DryRun, metric.Count(m => m.Outcome == MeasurementOutcome.Failed),
                [.. metric.Select(m => new Point(m.MeasuredAt, m.Value, m.Outcome.ToString(), m.Detail))]))]);
    }

    private static (string Stage, string Detail) Describe(IPipelineMessage message) => message switch
    {
        ArtifactApproved a => ("Approval", $"{a.PolicyName} {a.PolicyVersion} for {a.Agency}/{a.Environment} approved by {a.ApproverId}"),
        ArtifactRejected r => ("Builder", $"approval rejected ({r.Reason}): {r.Message}"),
        ImageBuilt b => ("Builder", $"built {b.Image}"),
        ImageScanned s => ("Scanner", s.Passed ? $"passed ({s.Findings.Count} findings)" : $"blocked: {string.Join("; ", s.Findings.Take(3).Select(f => $"{f.RuleId}: {f.Message}"))}"),
        ImagePublished p => ("Publisher", $"released as {p.Tag}, signed"),
        DeployGreen => ("Coordinator", "deploy green"),
        GreenReady g => ("Rollout", $"{g.Color} ready ({g.ReadyReplicas} ready) in {g.TimeToReady.TotalSeconds:0.#} s"),
        KpiPassed k => ("KpiGate", $"{k.Phase} gate passed"),
        KpiFailed k => ("KpiGate", $"{k.Phase} gate {(k.Inconclusive ? "inconclusive" : "failed")}: {k.Reason}"),
        CutOverTraffic => ("Coordinator", "cut over traffic"),
        TrafficCutOver t => ("Rollout", $"traffic on {t.LiveColor} in {t.SwitchDuration.TotalMilliseconds:0} ms"),
        RollBackDeployment => ("Coordinator", "roll back"),
        RolledBack r => ("Rollout", $"traffic back on {r.LiveColor}: {r.Reason}"),
        FinalizeDeployment => ("Coordinator", "finalize"),
        DeploymentCompleted c => ("Coordinator", $"live on {c.LiveColor}"),
        DeploymentRolledBack r => ("Coordinator", $"rolled back: {r.Reason}"),
        DeploymentRejected r => ("Coordinator", $"rejected by the {r.Stage}: {r.Reason}"),
        DeploymentFailed f => (f.Stage.ToString(), $"failed: {f.Reason}"),
        StageTimedOut t => ("Coordinator", $"the {t.Stage} did not answer by {t.Deadline:u}"),
        MessageRefused r => (r.Stage.ToString(), $"refused a {r.MessageType} ({r.Reason}): {r.Detail}"),
        AbortDeployment a => ("Operator", $"abort requested by {a.RequestedBy}: {a.Reason}"),
        PromoteDeployment p => ("Operator", $"promotion requested by {p.RequestedBy}"),
        _ => ("Pipeline", message.GetType().Name),
    };
}
