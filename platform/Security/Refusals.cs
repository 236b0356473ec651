using Bpdp.Contracts;
using Bpdp.Platform.Bus;
using MassTransit;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Bpdp.Platform.Security;

/// <summary>
/// The one way a stage refuses a message whose evidence does not hold: a warning in its log, a count in
/// <c>bpdp_security_refusals_total{stage,reason}</c> and a <see cref="MessageRefused"/> event for the ledger,
/// published once per refused message (its id derives from the deployment, the stage and <c>qualifier</c>).
/// </summary>
public static class Refusals
{
    private static readonly Counter Refused = Prometheus.Metrics.CreateCounter(
        "bpdp_security_refusals_total",
        "Messages a stage refused to act on because their evidence did not hold, by stage and reason.",
        "stage", "reason");

    /// <summary>Counts a refusal; <see cref="Refuse"/> does this too.</summary>
    public static void Count(PipelineStage stage, RefusalReason reason) => Refused.WithLabels(stage.ToString(), reason.ToString()).Inc();

    /// <summary>The number of refusals counted so far in this process, for tests and status output.</summary>
    public static double Counted(PipelineStage stage, RefusalReason reason) => Refused.WithLabels(stage.ToString(), reason.ToString()).Value;

    /// <summary>Logs, counts and publishes <paramref name="refusal"/>.</summary>
    /// <param name="qualifier">Tells one refusal of a message type for a deployment from another, e.g. the refused digest.</param>
    public static Task Refuse(this ConsumeContext context, ILogger logger, MessageRefused refusal, string? qualifier = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(refusal);
        // Dated by the refused message's envelope, so the refusal repeated on a redelivery or a retry is the same message, not a conflicting one.
        if (context.SentTime is { } sent)
        {
            refusal = refusal with { OccurredAt = new DateTimeOffset(DateTime.SpecifyKind(sent, DateTimeKind.Utc)) };
        }

        return Refuse((IPublishEndpoint)context, logger, refusal, qualifier);
    }

    /// <summary>Logs, counts and publishes <paramref name="refusal"/> from work that runs outside a delivery.</summary>
    public static Task Refuse(this IPublishEndpoint publisher, ILogger logger, MessageRefused refusal, string? qualifier = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(refusal);
        logger.LogWarning("{Stage} refused {MessageType} for deployment {DeploymentId}: {Reason}: {Detail}",
            refusal.Stage, refusal.MessageType, refusal.DeploymentId, refusal.Reason, refusal.Detail);
        Count(refusal.Stage, refusal.Reason);
        return publisher.PublishOnce(refusal, refusal.Stage, $"{refusal.MessageType}/{refusal.Reason}{(qualifier is null ? "" : "/" + qualifier)}", cancel);
    }
}
