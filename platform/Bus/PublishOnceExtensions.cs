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
    public static Task PublishOnce(this ConsumeContext context, IPipelineMessage message, PipelineStage stage, string? qualifier = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(message);
        var type = message.GetType();
        var id = MessageIds.For(message.DeploymentId, stage, type.Name, qualifier);
        return context.Publish(message, type, sent => sent.MessageId = id);
    }
}
