using System.Collections.Concurrent;
using Bpdp.Contracts;
using MassTransit;

namespace Bpdp.IntegrationTests.Coordinator;

/// <summary>Collects, per deployment, the terminal events (by message id: a redelivery is the same event) and the timeouts published on the bus.</summary>
public sealed class TerminalEventProbe :
    IConsumer<DeploymentCompleted>, IConsumer<DeploymentRolledBack>, IConsumer<DeploymentRejected>, IConsumer<DeploymentFailed>, IConsumer<StageTimedOut>
{
    public static ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, string>> Terminal { get; } = new();

    public static ConcurrentDictionary<Guid, int> Timeouts { get; } = new();

    public Task Consume(ConsumeContext<DeploymentCompleted> context) => Record(context, context.Message.DeploymentId, nameof(DeploymentCompleted));

    public Task Consume(ConsumeContext<DeploymentRolledBack> context) => Record(context, context.Message.DeploymentId, nameof(DeploymentRolledBack));

    public Task Consume(ConsumeContext<DeploymentRejected> context) => Record(context, context.Message.DeploymentId, nameof(DeploymentRejected));

    public Task Consume(ConsumeContext<DeploymentFailed> context) =>
        context.Message.Stage == PipelineStage.Coordinator ? Record(context, context.Message.DeploymentId, nameof(DeploymentFailed)) : Task.CompletedTask;

    public Task Consume(ConsumeContext<StageTimedOut> context)
    {
        Timeouts.AddOrUpdate(context.Message.DeploymentId, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    private static Task Record(ConsumeContext context, Guid deploymentId, string type)
    {
        Terminal.GetOrAdd(deploymentId, _ => new ConcurrentDictionary<Guid, string>())[context.MessageId ?? Guid.NewGuid()] = type;
        return Task.CompletedTask;
    }
}
