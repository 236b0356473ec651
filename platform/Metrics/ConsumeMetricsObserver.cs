using MassTransit;
using Prometheus;

namespace Bpdp.Platform.Metrics;

/// <summary>
/// Counts and times every consumed message per message type and outcome, so each stage's throughput,
/// faults and latency show on <c>/metrics</c> under one name across services.
/// </summary>
internal sealed class ConsumeMetricsObserver : IConsumeObserver
{
    private static readonly Counter Consumed = Prometheus.Metrics.CreateCounter(
        "bpdp_messages_consumed_total",
        "Messages consumed, by message type and outcome: ok, fault, or unreadable (never reached a consumer; see ReceiveMetricsObserver).",
        "message", "outcome");

    private static readonly Histogram Duration = Prometheus.Metrics.CreateHistogram(
        "bpdp_message_consume_duration_seconds",
        "Time from a message's receipt to the end of its consumer, by message type.",
        new HistogramConfiguration
        {
            LabelNames = ["message"],
            Buckets = Histogram.ExponentialBuckets(0.001, 2, 16),
        });

    /// <summary>Marks a received message as having reached a consumer, so that it is not also counted as unreadable.</summary>
    internal sealed class Observed;

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        context.ReceiveContext.GetOrAddPayload(() => new Observed());
        return Task.CompletedTask;
    }

    internal static void Count(string message, string outcome) => Consumed.WithLabels(message, outcome).Inc();

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class => Record<T>(context, "ok");

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class => Record<T>(context, "fault");

    private static Task Record<T>(ConsumeContext context, string outcome)
    {
        var message = typeof(T).Name;
        Consumed.WithLabels(message, outcome).Inc();
        Duration.WithLabels(message).Observe(context.ReceiveContext.ElapsedTime.TotalSeconds);
        return Task.CompletedTask;
    }
}
