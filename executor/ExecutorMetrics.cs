using Prometheus;

namespace Bpdp.Executor;

/// <summary>
/// The metrics the KPI gate judges: requests by outcome (the error rate) and request duration (the
/// wait time). One registry per executor, so several executors in one process keep apart.
/// </summary>
public sealed class ExecutorMetrics
{
    /// <summary>A case that got a decision.</summary>
    public const string Decided = "decided";

    /// <summary>A case refused as invalid (HTTP 400): the caller's fault, not the policy's.</summary>
    public const string Invalid = "invalid";

    /// <summary>A valid case the policy failed to decide (HTTP 500): counts against the error-rate KPI.</summary>
    public const string Error = "error";

    /// <summary>A request while the policy is not ready (HTTP 503).</summary>
    public const string Unavailable = "unavailable";

    /// <summary>
    /// A valid case whose evaluation broke a limit (HTTP 422). Not in the error-rate KPI: anyone who reaches the
    /// executor can send such a case, and a rollout must not fail because someone did.
    /// </summary>
    public const string Limit = "limit";

    private readonly Counter requests;
    private readonly Counter limits;
    private readonly Histogram duration;

    public ExecutorMetrics()
    {
        var factory = Metrics.WithCustomRegistry(Registry);
        requests = factory.CreateCounter("bpdp_policy_requests_total", "Evaluation requests by policy, version, color and outcome.",
            "policy", "version", "color", "outcome");
        limits = factory.CreateCounter("bpdp_policy_evaluation_limit_exceeded_total",
            "Evaluations refused for breaking a limit, by policy, version, color and limit (steps, time, pattern-length).",
            "policy", "version", "color", "limit");
        duration = factory.CreateHistogram("bpdp_policy_request_duration_seconds", "Time to answer an evaluation request: the wait-time KPI.",
            new HistogramConfiguration
            {
                LabelNames = ["policy", "version", "color"],
                Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
            });
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    /// <summary>
    /// Publishes the request counters and the wait-time histogram at 0 for the policy being served, before any
    /// request: a series that first appears with its first error has no earlier sample, so PromQL's rate() sees a
    /// breach only one scrape later than it could; and a histogram that appeared with the first request would leave
    /// the p95 without a rate for one scrape after the request rate has one, which a gate judges inconclusive.
    /// </summary>
    public void Serving(string policy, string version, string color)
    {
        foreach (var outcome in new[] { Decided, Error, Unavailable })
        {
            requests.WithLabels(policy, version, color, outcome).Inc(0);
        }

        duration.WithLabels(policy, version, color).Publish();
    }

    public void Record(string policy, string version, string color, string outcome, TimeSpan elapsed)
    {
        requests.WithLabels(policy, version, color, outcome).Inc();
        duration.WithLabels(policy, version, color).Observe(elapsed.TotalSeconds);
    }

    /// <summary>Records a request refused because its evaluation broke <paramref name="limit"/> (outcome <see cref="Limit"/>).</summary>
    public void RecordLimit(string policy, string version, string color, string limit, TimeSpan elapsed)
    {
        limits.WithLabels(policy, version, color, limit).Inc();
        Record(policy, version, color, Limit, elapsed);
    }
}
