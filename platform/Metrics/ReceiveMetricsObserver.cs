using MassTransit;

namespace Bpdp.Platform.Metrics;

/// <summary>
/// Counts, under <c>bpdp_messages_consumed_total{outcome="unreadable"}</c>, every received message that never reached a
/// consumer because it could not be read (not JSON, a missing or mistyped field, a type nothing here consumes): such a
/// message goes to the error queue without a consume to observe, so <see cref="ConsumeMetricsObserver"/> alone would
/// leave it out. Its type is the contract exchange it came through, else <c>unknown</c>.
/// </summary>
internal sealed class ReceiveMetricsObserver : IReceiveObserver
{
    private const string ContractExchange = "Bpdp.Contracts:";

    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context) => CountUnread(context);

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
        where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
        where T : class => Task.CompletedTask;

    public Task ReceiveFault(ReceiveContext context, Exception exception) => CountUnread(context);

    private static Task CountUnread(ReceiveContext context)
    {
        // A faulted receive may be reported both as a fault and, once moved to the error queue, as received: count it once.
        if (!context.TryGetPayload<ConsumeMetricsObserver.Observed>(out _) && !context.TryGetPayload<CountedUnread>(out _))
        {
            context.GetOrAddPayload(() => new CountedUnread());
            ConsumeMetricsObserver.Count(MessageType(context), "unreadable");
        }

        return Task.CompletedTask;
    }

    private sealed class CountedUnread;

    private static string MessageType(ReceiveContext context) =>
        context.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) && rabbit.Exchange.StartsWith(ContractExchange, StringComparison.Ordinal)
            && rabbit.Exchange.Length > ContractExchange.Length
            ? rabbit.Exchange[ContractExchange.Length..]
            : "unknown";
}
