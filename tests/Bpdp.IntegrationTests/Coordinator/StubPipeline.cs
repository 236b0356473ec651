using Bpdp.Contracts;
using MassTransit;

namespace Bpdp.IntegrationTests.Coordinator;

/// <summary>
/// Every stage at once, as a stand-in: answers each event or command the way the real stage would, and
/// publishes every answer twice, as at-least-once delivery may. Version 1.0.1 fails its pre-promotion
/// gate; version 9.9.9 is never built (its Builder does not answer).
/// </summary>
public sealed class StubPipeline :
    IConsumer<ArtifactApproved>, IConsumer<ImageBuilt>, IConsumer<ImageScanned>, IConsumer<DeployGreen>,
    IConsumer<GreenReady>, IConsumer<CutOverTraffic>, IConsumer<TrafficCutOver>, IConsumer<RollBackDeployment>
{
    public const string NeverBuilt = "9.9.9";
    public const string FailsItsGate = "1.0.1";
    private static readonly ImageReference Image = new("registry.example/osha/haz-fast", "sha256:" + new string('b', 64));

    public Task Consume(ConsumeContext<ArtifactApproved> context) =>
        context.Message.PolicyVersion == NeverBuilt
            ? Task.CompletedTask
            : Twice(context, new ImageBuilt(context.Message.DeploymentId, DateTimeOffset.UtcNow, context.Message.Target, Image, 1, [], TimeSpan.Zero));

    public Task Consume(ConsumeContext<ImageBuilt> context) =>
        Twice(context, new ImageScanned(context.Message.DeploymentId, DateTimeOffset.UtcNow, context.Message.Target, Image, true, []));

    public Task Consume(ConsumeContext<ImageScanned> context) =>
        Twice(context, new ImagePublished(context.Message.DeploymentId, DateTimeOffset.UtcNow, context.Message.Target, Image, context.Message.Target.PolicyVersion, "sig"));

    public Task Consume(ConsumeContext<DeployGreen> context) =>
        Twice(context, new GreenReady(context.Message.DeploymentId, DateTimeOffset.UtcNow, context.Message.Target, Image, Color.Green, "http://preview", 2, TimeSpan.Zero));

    public Task Consume(ConsumeContext<GreenReady> context) =>
        context.Message.Target.PolicyVersion == FailsItsGate
            ? Twice(context, new KpiFailed(context.Message.DeploymentId, DateTimeOffset.UtcNow, context.Message.Target, AnalysisPhase.PrePromotion, "error-rate 5% > 1%", []))
            : Twice(context, new KpiPassed(context.Message.DeploymentId, DateTimeOffset.UtcNow, context.Message.Target, AnalysisPhase.PrePromotion, []));

    public Task Consume(ConsumeContext<CutOverTraffic> context) =>
        Twice(context, new TrafficCutOver(context.Message.DeploymentId, DateTimeOffset.UtcNow, context.Message.Target, context.Message.Color, Color.Blue, TimeSpan.Zero));

    public Task Consume(ConsumeContext<TrafficCutOver> context) =>
        Twice(context, new KpiPassed(context.Message.DeploymentId, DateTimeOffset.UtcNow, context.Message.Target, AnalysisPhase.PostPromotion, []));

    public Task Consume(ConsumeContext<RollBackDeployment> context) =>
        Twice(context, new RolledBack(context.Message.DeploymentId, DateTimeOffset.UtcNow, context.Message.Target, Color.Blue, context.Message.Reason, TimeSpan.Zero));

    private static async Task Twice<T>(ConsumeContext context, T message)
        where T : class
    {
        await context.Publish(message);
        await context.Publish(message);
    }
}
