using Bpdp.Contracts;
using Bpdp.Notifier.Routing;

namespace Bpdp.Notifier.Triggers;

/// <summary>Each notifying event as an <see cref="Occurrence"/>.</summary>
public static class Occurrences
{
    public static Occurrence From(KpiFailed failed)
    {
        ArgumentNullException.ThrowIfNull(failed);
        var gate = failed.Phase == AnalysisPhase.PrePromotion ? "pre-promotion" : "post-promotion";
        return new Occurrence(Trigger.KpiFailed, failed.DeploymentId, failed.OccurredAt, failed.Target, failed.Phase.ToString(),
            failed.Inconclusive ? $"{gate} KPI gate was inconclusive" : $"{gate} KPI gate failed", failed.Reason, failed.Measurements);
    }

    public static Occurrence From(DeploymentRolledBack rolledBack)
    {
        ArgumentNullException.ThrowIfNull(rolledBack);
        return new Occurrence(Trigger.DeploymentRolledBack, rolledBack.DeploymentId, rolledBack.OccurredAt, rolledBack.Target, "",
            "rolled back: traffic is on the previous version", rolledBack.Reason, []);
    }

    public static Occurrence From(DeploymentCompleted completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        return new Occurrence(Trigger.DeploymentCompleted, completed.DeploymentId, completed.OccurredAt, completed.Target, "",
            $"is live ({completed.LiveColor.ToString().ToLowerInvariant()})", $"serving {completed.Image}", []);
    }

    /// <summary>
    /// Both the failing stage and the Coordinator publish <see cref="DeploymentFailed"/>: one notification for the deployment,
    /// whichever arrives first.
    /// </summary>
    public static Occurrence From(DeploymentFailed failed)
    {
        ArgumentNullException.ThrowIfNull(failed);
        return new Occurrence(Trigger.DeploymentFailed, failed.DeploymentId, failed.OccurredAt, failed.Target, "",
            $"failed at the {failed.Stage}", failed.Reason, []);
    }

    public static Occurrence From(StageTimedOut timedOut)
    {
        ArgumentNullException.ThrowIfNull(timedOut);
        return new Occurrence(Trigger.StageTimedOut, timedOut.DeploymentId, timedOut.OccurredAt, null, timedOut.Stage.ToString(),
            $"the {timedOut.Stage} did not answer in time", $"its answer was due at {timedOut.Deadline:u}", []);
    }

    /// <param name="refused">The refusal.</param>
    /// <param name="messageId">The refusal's own id: each refusal is its own message (its id derives from what was refused), so each notifies.</param>
    public static Occurrence From(MessageRefused refused, Guid? messageId)
    {
        ArgumentNullException.ThrowIfNull(refused);
        return new Occurrence(Trigger.MessageRefused, refused.DeploymentId, refused.OccurredAt, null,
            $"{refused.Stage}/{refused.MessageType}/{refused.Reason}/{messageId:N}",
            $"the {refused.Stage} refused a {refused.MessageType} ({refused.Reason})", refused.Detail, []);
    }

    public static Occurrence From(ArtifactRejected rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        return new Occurrence(Trigger.ArtifactRejected, rejected.DeploymentId, rejected.OccurredAt, rejected.Target, "",
            $"approval rejected by the Builder ({rejected.Reason})", rejected.Message, []);
    }
}
