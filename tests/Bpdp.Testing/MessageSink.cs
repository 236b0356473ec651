using System.Collections.Concurrent;
using MassTransit;

namespace Bpdp.Testing;

/// <summary>Collects the messages a test consumer received, keyed by the consumer that got them.</summary>
public sealed class MessageSink
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ConsumeContext>> received = new();

    public void Add(string consumer, ConsumeContext context) =>
        received.GetOrAdd(consumer, _ => new ConcurrentQueue<ConsumeContext>()).Enqueue(context);

    public IReadOnlyList<ConsumeContext> ReceivedBy(string consumer) =>
        received.TryGetValue(consumer, out var queue) ? queue.ToArray() : [];

    /// <summary>The first message of type <typeparamref name="T"/> that <paramref name="consumer"/> received matching <paramref name="match"/>.</summary>
    public async Task<ConsumeContext<T>> WaitFor<T>(string consumer, Func<T, bool> match, TimeSpan? timeout = null)
        where T : class
    {
        ConsumeContext<T>? found = null;
        await Eventually.Holds(
            () =>
            {
                found = ReceivedBy(consumer).OfType<ConsumeContext<T>>().FirstOrDefault(c => match(c.Message));
                return Task.FromResult(found is not null);
            },
            $"{consumer} received a matching {typeof(T).Name}",
            timeout);
        return found!;
    }
}
