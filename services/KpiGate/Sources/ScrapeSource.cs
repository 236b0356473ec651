using Bpdp.KpiGate.Analysis;

namespace Bpdp.KpiGate.Sources;

/// <summary>
/// KPIs from the executor's own <c>/metrics</c>, for the embedded mode where no Prometheus runs: each reading
/// scrapes once and computes the error rate and the 95th percentile from the increase since the previous
/// scrape, as Prometheus's <c>rate</c> and <c>histogram_quantile</c> would over that interval.
/// </summary>
public sealed class ScrapeSource(HttpClient http) : IKpiSource
{
    public async Task<IKpiSession> Open(AnalysisTarget target, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(target);
        var session = new Session(this, target);
        await session.Read(cancel);
        return session;
    }

    private async Task<IReadOnlyList<MetricSample>> Scrape(AnalysisTarget target, CancellationToken cancel) =>
        MetricsText.Parse(await http.GetStringAsync(new Uri(target.Endpoint, "metrics"), cancel))
            .Where(s => s.Labels.GetValueOrDefault("policy") == target.Policy && s.Labels.GetValueOrDefault("version") == target.Version && s.Labels.GetValueOrDefault("color") == target.Color)
            .ToList();

    private sealed class Session(ScrapeSource source, AnalysisTarget target) : IKpiSession
    {
        private IReadOnlyList<MetricSample>? previous;

        public async Task<IReadOnlyDictionary<string, MetricReading>> Read(CancellationToken cancel)
        {
            IReadOnlyList<MetricSample> current;
            try
            {
                current = await source.Scrape(target, cancel);
            }
            catch (Exception error) when (error is HttpRequestException or FormatException or IndexOutOfRangeException or ArgumentException
                || (error is TaskCanceledException && !cancel.IsCancellationRequested))
            {
                var failed = MetricReading.Failed($"{target.Endpoint}metrics could not be scraped: {error.Message}");
                return new Dictionary<string, MetricReading> { [MetricSpec.ErrorRate] = failed, [MetricSpec.P95WaitTime] = failed };
            }

            var before = previous;
            previous = current;
            if (before is null)
            {
                return new Dictionary<string, MetricReading> { [MetricSpec.ErrorRate] = new(null), [MetricSpec.P95WaitTime] = new(null) };
            }

            return new Dictionary<string, MetricReading>
            {
                [MetricSpec.ErrorRate] = new(ErrorRate(before, current)),
                [MetricSpec.P95WaitTime] = new(Quantile(0.95, before, current)),
            };
        }

        private static double? ErrorRate(IReadOnlyList<MetricSample> before, IReadOnlyList<MetricSample> after)
        {
            var requests = Increase(before, after, s => s.Name == "bpdp_policy_requests_total");
            var errors = Increase(before, after, s => s.Name == "bpdp_policy_requests_total" && s.Labels.GetValueOrDefault("outcome") is "error" or "unavailable");
            return requests > 0 ? errors / requests : null;
        }

        /// <summary>histogram_quantile over the buckets' increase: linear within the bucket that holds the rank.</summary>
        private static double? Quantile(double q, IReadOnlyList<MetricSample> before, IReadOnlyList<MetricSample> after)
        {
            var buckets = after.Where(s => s.Name == "bpdp_policy_request_duration_seconds_bucket")
                .Select(s => (Le: ParseLe(s.Labels["le"]), Count: Increase(before, after, o => o.Name == s.Name && o.Labels["le"] == s.Labels["le"])))
                .OrderBy(b => b.Le)
                .ToList();
            if (buckets.Count == 0 || buckets[^1].Count <= 0)
            {
                return null;
            }

            var rank = q * buckets[^1].Count;
            var (lowerBound, lowerCount) = (0.0, 0.0);
            foreach (var (le, count) in buckets)
            {
                if (count >= rank)
                {
                    return double.IsPositiveInfinity(le) ? lowerBound : lowerBound + ((le - lowerBound) * ((rank - lowerCount) / Math.Max(count - lowerCount, double.Epsilon)));
                }

                (lowerBound, lowerCount) = (le, count);
            }

            return lowerBound;
        }

        private static double Increase(IReadOnlyList<MetricSample> before, IReadOnlyList<MetricSample> after, Func<MetricSample, bool> selector)
        {
            var was = before.Where(selector).Sum(s => s.Value);
            var now = after.Where(selector).Sum(s => s.Value);
            return now >= was ? now - was : now;
        }

        private static double ParseLe(string le) => le == "+Inf" ? double.PositiveInfinity : double.Parse(le, System.Globalization.CultureInfo.InvariantCulture);
    }
}
