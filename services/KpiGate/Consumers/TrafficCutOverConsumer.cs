using Bpdp.Contracts;
using Bpdp.Platform.Bus;
using MassTransit;

namespace Bpdp.KpiGate.Consumers;

/// <summary>The post-promotion gate: the live service judged for the policy's soak window, while the old color stays warm.</summary>
public sealed class TrafficCutOverConsumer(GateRunner gate, ILogger<TrafficCutOverConsumer> logger) : IConsumer<TrafficCutOver>
{
    public async Task Consume(ConsumeContext<TrafficCutOver> context)
    {
        var cutOver = context.Message;
        IPipelineMessage? verdict;
        if (cutOver.LiveEndpoint is not { Length: > 0 } live)
        {
            logger.LogError("Deployment {DeploymentId}: TrafficCutOver names no live endpoint; the post-promotion gate cannot judge it", cutOver.DeploymentId);
            verdict = new KpiFailed(cutOver.DeploymentId, DateTimeOffset.UtcNow, cutOver.Target, AnalysisPhase.PostPromotion,
                "TrafficCutOver named no live endpoint, so the new version could not be judged; the rollout target must report it.", []);
        }
        else
        {
            verdict = await gate.Run(cutOver.DeploymentId, cutOver.Target, AnalysisPhase.PostPromotion, cutOver.LiveColor, Endpoints.Base(live), smoke: false, context.CancellationToken);
        }

        if (verdict is not null)
        {
            await context.PublishOnce(verdict, PipelineStage.KpiGate, nameof(AnalysisPhase.PostPromotion));
        }
    }
}
