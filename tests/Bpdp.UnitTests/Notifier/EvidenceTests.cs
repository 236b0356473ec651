using Bpdp.Contracts;
using Bpdp.Notifier.Triggers;

namespace Bpdp.UnitTests.Notifier;

public sealed class EvidenceTests
{
    [Fact]
    public void Each_metric_is_one_line_against_its_threshold_the_failing_first()
    {
        var lines = Evidence.Lines(NotifierSamples.Failed(Guid.NewGuid()).Measurements);

        Assert.Equal(
        [
            "error-rate: 2 of 3 measurements failed; worst 0.31, last 0.2; threshold 0.05",
            "p95-wait-time-seconds: 0 of 1 measurements failed; worst 0.12, last 0.12; threshold 2",
        ], lines);
    }

    [Fact]
    public void An_agency_metric_names_its_condition_and_a_metric_without_values_says_so()
    {
        var lines = Evidence.Lines(
        [
            new KpiMeasurement(DateTimeOffset.UnixEpoch, "queue-depth", 120, null, MeasurementOutcome.Failed, Condition: "result < 100"),
            new KpiMeasurement(DateTimeOffset.UnixEpoch, "backlog", null, null, MeasurementOutcome.Error, "no data", Condition: "result < 5", DryRun: true),
        ]);

        Assert.Equal(
        [
            "queue-depth: 1 of 1 measurements failed; worst 120, last 120; condition result < 100",
            "backlog (dry run): 0 of 1 measurements failed; no value measured; condition result < 5",
        ], lines);
    }
}
