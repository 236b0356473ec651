using Bpdp.Contracts;
using Bpdp.KpiGate.Runs;
using Bpdp.Platform.Security;
using MassTransit;

namespace Bpdp.KpiGate.Consumers;

/// <summary>
/// Opens the run a GreenReady or TrafficCutOver asks for and returns at once: measuring happens in the
/// <see cref="AnalysisDriver"/>, so no delivery is held for a soak. A request whose target is not the one its
/// deployment was approved for is refused here, when the approval is already known (otherwise the driver refuses it).
/// </summary>
public sealed class AnalysisRequests(IAnalysisStore store, AnalysisDriver driver, TimeProvider time, ILogger<AnalysisRequests> logger)
{
    public async Task Open<T>(ConsumeContext<T> context, AnalysisRequest request)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        if (await store.Approval(request.DeploymentId, context.CancellationToken) is { } approval && approval.Target != request.Target)
        {
            await context.Refuse(logger, new MessageRefused(request.DeploymentId, time.GetUtcNow(), PipelineStage.KpiGate, typeof(T).Name, RefusalReason.TargetMismatch,
                $"it names {request.Place} {request.Target.PolicyVersion}; deployment {request.DeploymentId} was approved for " +
                $"{approval.Target.Agency}/{approval.Target.Environment}/{approval.Target.PolicyName} {approval.Target.PolicyVersion}"));
            return;
        }

        if (await store.Open(request, time.GetUtcNow(), context.CancellationToken))
        {
            logger.LogInformation("Deployment {DeploymentId}: {Phase} analysis opened for {Policy} {Version} ({Color})",
                request.DeploymentId, request.Phase, request.Target.PolicyName, request.Target.PolicyVersion, request.Color);
            driver.Wake();
        }
        else
        {
            logger.LogInformation("Deployment {DeploymentId}: {Phase} analysis already open; the repeated {Message} changes nothing", request.DeploymentId, request.Phase, typeof(T).Name);
        }
    }
}
