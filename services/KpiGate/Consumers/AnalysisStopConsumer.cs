using Bpdp.Contracts;
using Bpdp.KpiGate.Runs;
using MassTransit;

namespace Bpdp.KpiGate.Consumers;

/// <summary>Stops a deployment's runs when it is aborted or has ended: nobody waits for that verdict any more.</summary>
public sealed class AnalysisStopConsumer(IAnalysisStore store, RunningAnalyses running) :
    IConsumer<AbortDeployment>, IConsumer<DeploymentRolledBack>, IConsumer<DeploymentFailed>, IConsumer<DeploymentCompleted>
{
    public Task Consume(ConsumeContext<AbortDeployment> context) => Stop(context, context.Message.DeploymentId, $"aborted by {context.Message.RequestedBy}");

    public Task Consume(ConsumeContext<DeploymentRolledBack> context) => Stop(context, context.Message.DeploymentId, "the deployment was rolled back");

    public Task Consume(ConsumeContext<DeploymentFailed> context) => Stop(context, context.Message.DeploymentId, $"the deployment failed in {context.Message.Stage}");

    public Task Consume(ConsumeContext<DeploymentCompleted> context) => Stop(context, context.Message.DeploymentId, "the deployment completed");

    private async Task Stop(ConsumeContext context, Guid deploymentId, string why)
    {
        await store.Stop(deploymentId, why, context.CancellationToken);
        running.Stop(deploymentId, why);
    }
}
