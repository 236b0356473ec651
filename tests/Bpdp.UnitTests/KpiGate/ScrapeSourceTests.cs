using System.Net;
using Bpdp.KpiGate.Analysis;
using Bpdp.KpiGate.Sources;

namespace Bpdp.UnitTests.KpiGate;

/// <summary>The direct-scrape source: the exposition format, and rates and the 95th percentile from two scrapes.</summary>
public sealed class ScrapeSourceTests
{
    private const string Labels = "policy=\"haz-fast\",version=\"1.0.1\",color=\"green\"";

    private sealed class Scrapes(params string[] bodies) : HttpMessageHandler
    {
        private int next;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(bodies[Math.Min(next++, bodies.Length - 1)]) });
    }

    private static string Exposition(int decided, int errors, int fast, int slow) => $$"""
        # HELP bpdp_policy_requests_total Evaluation requests by policy, version, color and outcome.
        # TYPE bpdp_policy_requests_total counter
        bpdp_policy_requests_total{{{Labels}},outcome="decided"} {{decided}}
        bpdp_policy_requests_total{{{Labels}},outcome="error"} {{errors}}
        bpdp_policy_requests_total{policy="haz-fast",version="1.0.0",color="blue",outcome="error"} 999
        # TYPE bpdp_policy_request_duration_seconds histogram
        bpdp_policy_request_duration_seconds_bucket{{{Labels}},le="0.01"} {{fast}}
        bpdp_policy_request_duration_seconds_bucket{{{Labels}},le="0.1"} {{fast + slow}}
        bpdp_policy_request_duration_seconds_bucket{{{Labels}},le="+Inf"} {{fast + slow}}
        bpdp_policy_request_duration_seconds_sum{{{Labels}}} 1.5
        bpdp_policy_request_duration_seconds_count{{{Labels}}} {{fast + slow}}
        """;

    private static AnalysisTarget Target => new("haz-fast", "1.0.1", "green", new Uri("http://green.test/"), TimeSpan.FromSeconds(5));

    [Fact]
    public void The_exposition_format_is_parsed_with_labels_and_special_values()
    {
        var samples = MetricsText.Parse("# c\nm_total{a=\"x\\\"y\",b=\"2\"} 3\nq NaN\nr{le=\"+Inf\"} +Inf 1700000000000\n");

        Assert.Equal(3, samples.Count);
        Assert.Equal("x\"y", samples[0].Labels["a"]);
        Assert.True(double.IsNaN(samples[1].Value));
        Assert.True(double.IsPositiveInfinity(samples[2].Value));
    }

    [Fact]
    public async Task Rates_come_from_the_increase_between_scrapes_of_this_version_and_color_only()
    {
        using var http = new HttpClient(new Scrapes(Exposition(100, 0, 100, 0), Exposition(190, 10, 150, 50)));
        var session = await new ScrapeSource(http).Open(Target, CancellationToken.None);

        var readings = await session.Read(CancellationToken.None);

        Assert.Equal(0.1, readings[MetricSpec.ErrorRate].Value!.Value, 6);
        // 100 new requests: 50 under 10 ms, 50 between 10 and 100 ms; the 95th is 90% into the second bucket.
        Assert.Equal(0.01 + (0.09 * 0.9), readings[MetricSpec.P95WaitTime].Value!.Value, 6);
    }

    [Fact]
    public async Task No_new_requests_between_scrapes_read_as_no_data()
    {
        using var http = new HttpClient(new Scrapes(Exposition(100, 0, 100, 0)));
        var session = await new ScrapeSource(http).Open(Target, CancellationToken.None);

        var readings = await session.Read(CancellationToken.None);

        Assert.Null(readings[MetricSpec.ErrorRate].Value);
        Assert.Equal(Bpdp.Contracts.MeasurementOutcome.Inconclusive, AnalysisEvaluator.Judge(readings[MetricSpec.P95WaitTime], new MetricSpec(MetricSpec.P95WaitTime, 0.25)).Outcome);
    }

    [Fact]
    public void The_promql_counts_errors_and_unavailability_over_all_requests_of_the_version_and_color()
    {
        var query = PrometheusSource.ErrorRateQuery(Target, TimeSpan.FromSeconds(30));

        Assert.Equal("(sum(rate(bpdp_policy_requests_total{policy=\"haz-fast\",version=\"1.0.1\",color=\"green\",outcome=~\"error|unavailable\"}[30s])) or vector(0)) / " +
            "sum(rate(bpdp_policy_requests_total{policy=\"haz-fast\",version=\"1.0.1\",color=\"green\"}[30s]))", query);
    }
}
