using MassTransit;

namespace Bpdp.Testing;

/// <summary>A stand-in stage consumer that records what it receives into the <see cref="MessageSink"/>.</summary>
/// <remarks>Subclass per stage so two stages are two distinct consumers on two distinct queues.</remarks>
public abstract class RecordingConsumer<T>(MessageSink sink) : IConsumer<T>
    where T : class
{
    public Task Consume(ConsumeContext<T> context)
    {
        sink.Add(GetType().Name, context);
        return Task.CompletedTask;
    }
}
