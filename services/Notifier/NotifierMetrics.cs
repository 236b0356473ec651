using Prometheus;

namespace Bpdp.Notifier;

/// <summary>The Notifier's own metrics: attempts by sink and outcome, and notifications enqueued by trigger.</summary>
public static class NotifierMetrics
{
    public static readonly Counter Attempts = Metrics.CreateCounter(
        "bpdp_notifier_attempts_total", "Delivery attempts by sink and outcome (delivered, failed, undeliverable).", "sink", "outcome");

    public static readonly Counter Enqueued = Metrics.CreateCounter(
        "bpdp_notifier_enqueued_total", "Notifications written for delivery, by trigger (a redelivered event adds none).", "trigger");
}
