using Bpdp.Testing;

namespace Bpdp.UnitTests.Executor;

/// <summary>
/// Before its first request an executor already exports every series a gate queries, at 0: PromQL's rate() needs a
/// sample from before the first increase, so a series born with its first request is seen one scrape late.
/// </summary>
public sealed class ServingMetricsTests
{
    [Fact]
    public async Task The_error_counter_and_the_wait_time_histogram_exist_at_zero_before_any_request()
    {
        await using var executor = await ServedExecutor.Start(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.0.0.yaml")));

        var metrics = await executor.Http.GetStringAsync("/metrics");

        Assert.Contains("""bpdp_policy_requests_total{policy="haz-fast",version="1.0.0",color="green",outcome="error"} 0""", metrics, StringComparison.Ordinal);
        Assert.Contains("""bpdp_policy_request_duration_seconds_count{policy="haz-fast",version="1.0.0",color="green"} 0""", metrics, StringComparison.Ordinal);
        Assert.Contains("""bpdp_policy_request_duration_seconds_bucket{policy="haz-fast",version="1.0.0",color="green",le="0.25"} 0""", metrics, StringComparison.Ordinal);
    }
}
