using Bpdp.Contracts;
using Bpdp.KpiGate.Runs;
using Bpdp.Platform.Bus;
using MassTransit;

namespace Bpdp.KpiGate.Consumers;

/// <summary>The post-promotion gate: the live service judged for the policy's soak window, while the old color stays warm.</summary>
public sealed class TrafficCutOverConsumer(AnalysisRequests requests, TimeProvider time, ILogger<TrafficCutOverConsumer> logger) : IConsumer<TrafficCutOver>
{
    public async Task Consume(ConsumeContext<TrafficCutOver> context)
    {
        var cutOver = context.Message;
        if (cutOver.LiveEndpoint is not { Length: > 0 } live)
        {
            logger.LogError("Deployment {DeploymentId}: TrafficCutOver names no live endpoint; the post-promotion gate cannot judge it", cutOver.DeploymentId);
            await context.PublishOnce(new KpiFailed(cutOver.DeploymentId, time.GetUtcNow(), cutOver.Target, AnalysisPhase.PostPromotion,
                "TrafficCutOver named no live endpoint, so the new version could not be judged; the rollout target must report it.", []), PipelineStage.KpiGate, nameof(AnalysisPhase.PostPromotion));
            return;
        }

        await requests.Open(context, new AnalysisRequest(cutOver.DeploymentId, AnalysisPhase.PostPromotion, cutOver.Target, cutOver.LiveColor, live, cutOver.OccurredAt));
    }
}
