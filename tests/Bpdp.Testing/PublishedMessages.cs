using System.Collections.Concurrent;
using MassTransit;

namespace Bpdp.Testing;

/// <summary>
/// Every message a host published, with its message id, recorded as the publish happens: once a consumer has finished
/// (<see cref="ConsumedMessages"/>), what it published is all here, so a test can assert that something was not published.
/// Register with <c>bus.AddPublishObserver(provider =&gt; provider.GetRequiredService&lt;PublishedMessages&gt;())</c>.
/// </summary>
public sealed class PublishedMessages : IPublishObserver
{
    private readonly ConcurrentQueue<(Guid? MessageId, object Message)> published = new();

    public IReadOnlyList<T> Of<T>() => [.. published.Select(p => p.Message).OfType<T>()];

    /// <summary>The ids messages of type <typeparamref name="T"/> were published under, in order.</summary>
    public IReadOnlyList<Guid?> IdsOf<T>() => [.. published.Where(p => p.Message is T).Select(p => p.MessageId)];

    public Task PrePublish<T>(PublishContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        published.Enqueue((context.MessageId, context.Message));
        return Task.CompletedTask;
    }

    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;
}
