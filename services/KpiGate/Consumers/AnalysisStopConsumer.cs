using Bpdp.Contracts;
using MassTransit;

namespace Bpdp.KpiGate.Consumers;

/// <summary>Stops a deployment's analysis when it is aborted or has ended: nobody waits for that verdict any more.</summary>
public sealed class AnalysisStopConsumer(RunningAnalyses running) :
    IConsumer<AbortDeployment>, IConsumer<DeploymentRolledBack>, IConsumer<DeploymentFailed>, IConsumer<DeploymentCompleted>
{
    public Task Consume(ConsumeContext<AbortDeployment> context) => Stop(context.Message.DeploymentId, $"aborted by {context.Message.RequestedBy}");

    public Task Consume(ConsumeContext<DeploymentRolledBack> context) => Stop(context.Message.DeploymentId, "the deployment was rolled back");

    public Task Consume(ConsumeContext<DeploymentFailed> context) => Stop(context.Message.DeploymentId, $"the deployment failed in {context.Message.Stage}");

    public Task Consume(ConsumeContext<DeploymentCompleted> context) => Stop(context.Message.DeploymentId, "the deployment completed");

    private Task Stop(Guid deploymentId, string why)
    {
        running.Stop(deploymentId, why);
        return Task.CompletedTask;
    }
}
