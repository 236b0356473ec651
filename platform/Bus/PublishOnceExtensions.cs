using Bpdp.Contracts;
using MassTransit;

namespace Bpdp.Platform.Bus;

/// <summary>
/// Publishing a stage's event under its <see cref="MessageIds.For"/> id, derived from the deployment, the stage and the event type,
/// so a redelivered command's event is recognised downstream — and two stages' events of one type (a stage's
/// <c>DeploymentFailed</c> and the Coordinator's) never share an id and never hide each other in the ledger.
/// </summary>
public static class PublishOnceExtensions
{
    /// <param name="publisher">A consume context, or the bus itself for work driven outside a delivery (the KpiGate's runs).</param>
    public static Task PublishOnce(this IPublishEndpoint publisher, IPipelineMessage message, PipelineStage stage, string? qualifier = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(message);
        var type = message.GetType();
        var id = MessageIds.For(message.DeploymentId, stage, type.Name, qualifier);
        return publisher.Publish(message, type, sent => sent.MessageId = id, cancel);
    }
}
