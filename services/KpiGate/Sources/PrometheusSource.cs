using Bpdp.KpiGate.Analysis;

namespace Bpdp.KpiGate.Sources;

/// <summary>
/// KPIs from the Prometheus HTTP API (<c>/api/v1/query</c>), with PromQL templates filled with the policy,
/// version and color. The error rate counts <c>error</c> and <c>unavailable</c> outcomes (a client's invalid
/// case is not the service's error) over all requests; no requests at all is NaN, hence Inconclusive.
/// </summary>
public sealed class PrometheusSource(HttpClient http, Uri baseUrl, TimeSpan rateWindow, TimeSpan firstDataTimeout, ILogger logger) : IKpiSource
{
    private TimeSpan RateWindow { get; } = rateWindow;

    /// <summary>
    /// Opens the analysis once Prometheus has a request rate for the target — a new version is only found after
    /// service discovery and two scrapes, and measuring before that would judge silence — or once
    /// <c>firstDataTimeout</c> has passed, after which the analysis judges what there is (nothing is Inconclusive),
    /// or once Prometheus has failed three queries in a row, which the analysis then judges as errors.
    /// </summary>
    public async Task<IKpiSession> Open(AnalysisTarget target, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(target);
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        var query = $"sum(rate(bpdp_policy_requests_total{{{Selector(target)}}}[{Range(Window(target))}])) > 0";
        MetricReading first;
        var failedInARow = 0;
        while ((first = await Query(query, cancel)).Value is null && waiting.Elapsed < firstDataTimeout)
        {
            // A Prometheus that keeps failing is the analysis's to judge, by its consecutive-error limit; one failure is waited out.
            failedInARow = first.Error is null ? 0 : failedInARow + 1;
            if (failedInARow >= 3)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancel);
        }

        logger.LogInformation("Prometheus {Has} a request rate for {Policy} {Version} ({Color}) after {Waited:F1} s{Error}", first.Value is null ? "still has no" : "has",
            target.Policy, target.Version, target.Color, waiting.Elapsed.TotalSeconds, first.Error is null ? "" : $" (last answer: {first.Error})");
        return new Session(this, target);
    }

    public static string ErrorRateQuery(AnalysisTarget target, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(target);
        var selector = Selector(target);
        var range = Range(window);
        return $"(sum(rate(bpdp_policy_requests_total{{{selector},outcome=~\"error|unavailable\"}}[{range}])) or vector(0)) / sum(rate(bpdp_policy_requests_total{{{selector}}}[{range}]))";
    }

    public static string P95Query(AnalysisTarget target, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(target);
        return $"histogram_quantile(0.95, sum by (le) (rate(bpdp_policy_request_duration_seconds_bucket{{{Selector(target)}}}[{Range(window)}])))";
    }

    private static string Selector(AnalysisTarget target) =>
        $"policy=\"{Escape(target.Policy)}\",version=\"{Escape(target.Version)}\",color=\"{Escape(target.Color)}\"";

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    /// <summary>The range of every rate(): the analysis interval, and never shorter than <c>KpiGate:RateWindowSeconds</c>.</summary>
    private TimeSpan Window(AnalysisTarget target) => RateWindow > target.Interval ? RateWindow : target.Interval;

    private static string Range(TimeSpan window) => $"{Math.Max(1, (int)window.TotalSeconds)}s";

    private Task<MetricReading> Query(string promql, CancellationToken cancel) => PrometheusQuery.Instant(http, baseUrl, promql, cancel);

    private sealed class Session(PrometheusSource source, AnalysisTarget target) : IKpiSession
    {
        public async Task<IReadOnlyDictionary<string, MetricReading>> Read(CancellationToken cancel)
        {
            var window = source.Window(target);
            return new Dictionary<string, MetricReading>
            {
                [MetricSpec.ErrorRate] = await source.Query(ErrorRateQuery(target, window), cancel),
                [MetricSpec.P95WaitTime] = await source.Query(P95Query(target, window), cancel),
            };
        }
    }
}
