using System.Collections.Concurrent;
using MassTransit;

namespace Bpdp.Testing;

/// <summary>
/// Every message a host finished consuming (whatever its consumer did with it), so a test can wait until a
/// message that should cause nothing has been handled, instead of waiting for nothing to happen.
/// Register with <c>bus.AddConsumeObserver&lt;ConsumedMessages&gt;()</c> and resolve it from the host.
/// </summary>
public sealed class ConsumedMessages : IConsumeObserver
{
    private readonly ConcurrentQueue<object> consumed = new();

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        consumed.Enqueue(context.Message);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class
    {
        consumed.Enqueue(context.Message);
        return Task.CompletedTask;
    }

    public Task WaitFor<T>(Func<T, bool> match, TimeSpan? timeout = null) =>
        Eventually.Holds(() => Task.FromResult(consumed.OfType<T>().Any(match)), $"a matching {typeof(T).Name} was consumed", timeout);
}
