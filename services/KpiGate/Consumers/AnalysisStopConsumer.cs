using Bpdp.Contracts;
using Bpdp.KpiGate.Runs;
using MassTransit;

namespace Bpdp.KpiGate.Consumers;

/// <summary>
/// Stops a deployment's runs when the Coordinator has ended it: nobody waits for that verdict any more. An abort is not
/// acted on here — only the Coordinator verifies an operator's signature; the rollback it orders ends the deployment.
/// A stop that arrives before the run was opened keeps it from ever being measured.
/// </summary>
public sealed class AnalysisStopConsumer(IAnalysisStore store, RunningAnalyses running) :
    IConsumer<DeploymentRolledBack>, IConsumer<DeploymentFailed>, IConsumer<DeploymentCompleted>
{
    public Task Consume(ConsumeContext<DeploymentRolledBack> context) => Stop(context, context.Message.DeploymentId, "the deployment was rolled back");

    public Task Consume(ConsumeContext<DeploymentFailed> context) => Stop(context, context.Message.DeploymentId, $"the deployment failed in {context.Message.Stage}");

    public Task Consume(ConsumeContext<DeploymentCompleted> context) => Stop(context, context.Message.DeploymentId, "the deployment completed");

    private async Task Stop(ConsumeContext context, Guid deploymentId, string why)
    {
        await store.Stop(deploymentId, why, context.CancellationToken);
        running.Stop(deploymentId, why);
    }
}
