using Bpdp.Contracts;
using Bpdp.Notifier.Triggers;
using MassTransit;

namespace Bpdp.Notifier.Consumers;

/// <summary>
/// Every event a route can notify on, and <see cref="ArtifactApproved"/> and <see cref="ImageBuilt"/> for the target of the events
/// that do not carry one.
/// Only writes notifications down and acknowledges: delivery is the dispatcher's.
/// </summary>
public sealed class NotifyingEventsConsumer(Notifications notifications) :
    IConsumer<ArtifactApproved>,
    IConsumer<ImageBuilt>,
    IConsumer<ArtifactRejected>,
    IConsumer<KpiFailed>,
    IConsumer<DeploymentRolledBack>,
    IConsumer<DeploymentCompleted>,
    IConsumer<DeploymentFailed>,
    IConsumer<StageTimedOut>,
    IConsumer<MessageRefused>
{
    /// <summary>The approval names the target first: a stage that times out before anything is built is still an agency's.</summary>
    public Task Consume(ConsumeContext<ArtifactApproved> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return notifications.Learn(context.Message.DeploymentId, context.Message.Target, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<ImageBuilt> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return notifications.Learn(context.Message.DeploymentId, context.Message.Target, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<ArtifactRejected> context) => Record(context, Occurrences.From(context.Message));

    public Task Consume(ConsumeContext<KpiFailed> context) => Record(context, Occurrences.From(context.Message));

    public Task Consume(ConsumeContext<DeploymentRolledBack> context) => Record(context, Occurrences.From(context.Message));

    public Task Consume(ConsumeContext<DeploymentCompleted> context) => Record(context, Occurrences.From(context.Message));

    public Task Consume(ConsumeContext<DeploymentFailed> context) => Record(context, Occurrences.From(context.Message));

    public Task Consume(ConsumeContext<StageTimedOut> context) => Record(context, Occurrences.From(context.Message));

    public Task Consume(ConsumeContext<MessageRefused> context) => Record(context, Occurrences.From(context.Message, context.MessageId));

    private Task Record(ConsumeContext context, Occurrence occurrence) => notifications.Record(occurrence, context.CancellationToken);
}
