using Bpdp.Contracts;
using Bpdp.Platform.Bus;
using MassTransit;

namespace Bpdp.KpiGate.Consumers;

/// <summary>The pre-promotion gate: green judged through its preview endpoint, under smoke traffic.</summary>
public sealed class GreenReadyConsumer(GateRunner gate) : IConsumer<GreenReady>
{
    public async Task Consume(ConsumeContext<GreenReady> context)
    {
        var ready = context.Message;
        var verdict = await gate.Run(ready.DeploymentId, ready.Target, AnalysisPhase.PrePromotion, ready.Color, Endpoints.Base(ready.PreviewEndpoint), smoke: true, context.CancellationToken);
        if (verdict is not null)
        {
            await context.PublishOnce(verdict, PipelineStage.KpiGate, nameof(AnalysisPhase.PrePromotion));
        }
    }
}
