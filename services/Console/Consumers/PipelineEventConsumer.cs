using Bpdp.Contracts;
using Bpdp.WebConsole.Board;
using MassTransit;

namespace Bpdp.WebConsole.Consumers;

/// <summary>
/// One pipeline message type onto the board. One consumer per concrete type, not one for the interface, so every
/// stage's sender check applies: a message forged under another identity is refused, not shown as fact.
/// </summary>
public sealed class PipelineEventConsumer<T>(DeploymentBoard board) : IConsumer<T>
    where T : class, IPipelineMessage
{
    public Task Consume(ConsumeContext<T> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        board.Add(context.MessageId ?? Bpdp.Platform.Bus.DeterministicIds.From(System.Text.Json.JsonSerializer.Serialize(context.Message, ContractJson.Options)), context.Message);
        return Task.CompletedTask;
    }
}
