using Bpdp.Contracts;
using Bpdp.KpiGate.Runs;
using MassTransit;

namespace Bpdp.KpiGate.Consumers;

/// <summary>The pre-promotion gate: green judged through its preview endpoint, under smoke traffic.</summary>
public sealed class GreenReadyConsumer(AnalysisRequests requests) : IConsumer<GreenReady>
{
    public Task Consume(ConsumeContext<GreenReady> context)
    {
        var ready = context.Message;
        return requests.Open(context, new AnalysisRequest(ready.DeploymentId, AnalysisPhase.PrePromotion, ready.Target, ready.Color, ready.PreviewEndpoint, ready.OccurredAt));
    }
}
