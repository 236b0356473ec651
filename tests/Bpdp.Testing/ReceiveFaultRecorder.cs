using MassTransit;

namespace Bpdp.Testing;

/// <summary>Observes a bus's receive endpoints and keeps the exception of the first message that faulted.</summary>
public sealed class ReceiveFaultRecorder : IReceiveObserver
{
    private readonly TaskCompletionSource<Exception> first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the exception of the first message that ended in an error queue.</summary>
    public Task<Exception> First => first.Task;

    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
        where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
        where T : class => Task.CompletedTask;

    public Task ReceiveFault(ReceiveContext context, Exception exception)
    {
        first.TrySetResult(exception);
        return Task.CompletedTask;
    }
}
