using Bpdp.Contracts;
using MassTransit;

namespace Bpdp.Platform.Bus;

/// <summary>
/// Refuses pipeline messages whose fields deserialized but cannot identify a deployment, before any
/// consumer runs. Required fields and types are enforced by the serializer (see <see cref="ContractJson"/>).
/// </summary>
internal sealed class PipelineMessageValidationFilter<T> : IFilter<ConsumeContext<T>>
    where T : class
{
    public Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        if (context.Message is IPipelineMessage { DeploymentId: var id } && id == Guid.Empty)
        {
            throw new InvalidMessageException($"{typeof(T).Name}.deploymentId is the empty UUID; every pipeline message must name its deployment.");
        }

        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("pipeline-message-validation");
}
