using Bpdp.Contracts;
using MassTransit;

namespace Bpdp.Platform.Bus;

/// <summary>
/// Refuses, before any consumer runs, pipeline messages whose fields deserialized but cannot identify a
/// deployment, and bodies that name a member twice (<see cref="DuplicateJsonKeys"/>): two consumers of one
/// such message could act on different values, so every stage refuses it the same way. Required fields and
/// types are enforced by the serializer (see <see cref="ContractJson"/>). The ledger, which reads every
/// message as <see cref="IPipelineMessage"/>, records such a body as refused instead.
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

        if (IsContractRecord && DuplicateJsonKeys.Find(context.ReceiveContext.Body.GetBytes()) is { } path)
        {
            throw new InvalidMessageException($"{typeof(T).Name} has a duplicated JSON key {path}: parsers disagree on which value counts; send each member once.");
        }

        return next.Send(context);
    }

    private static bool IsContractRecord { get; } = typeof(T).IsClass && typeof(IPipelineMessage).IsAssignableFrom(typeof(T));

    public void Probe(ProbeContext context) => context.CreateFilterScope("pipeline-message-validation");
}
