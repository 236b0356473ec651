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
        "Messages consumed, by message type and outcome (ok or fault).",
        "message", "outcome");

    private static readonly Histogram Duration = Prometheus.Metrics.CreateHistogram(
        "bpdp_message_consume_duration_seconds",
        "Time from a message's receipt to the end of its consumer, by message type.",
        new HistogramConfiguration
        {
            LabelNames = ["message"],
            Buckets = Histogram.ExponentialBuckets(0.001, 2, 16),
        });

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

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
