using Bpdp.Contracts;
using Bpdp.KpiGate.Analysis;
using Bpdp.Policy.Model;

namespace Bpdp.UnitTests.KpiGate;

/// <summary>The evaluator's truth table: pass, fail at the limit, inconclusive on empty or NaN, the error limit, and the worst outcome winning.</summary>
public sealed class AnalysisEvaluatorTests
{
    private static readonly MetricSpec ErrorRate = new(MetricSpec.ErrorRate, 0.01);
    private static readonly MetricSpec P95 = new(MetricSpec.P95WaitTime, 0.25);
    private static readonly DateTimeOffset At = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static AnalysisSettings Settings(int failureLimit = 0, int inconclusiveLimit = 1, int consecutiveErrorLimit = 2) =>
        new(TimeSpan.FromSeconds(5), 4, failureLimit, inconclusiveLimit, consecutiveErrorLimit);

    private static KpiMeasurement M(MetricSpec metric, MeasurementOutcome outcome, double? value = 0.001) => new(At, metric.Name, value, metric.Threshold, outcome);

    private static AnalysisResult Result(AnalysisSettings settings, params KpiMeasurement[] measurements) =>
        AnalysisEvaluator.Evaluate(settings, [ErrorRate, P95], measurements, 4).Result;

    [Theory]
    [InlineData(0.0, MeasurementOutcome.Successful)]
    [InlineData(0.01, MeasurementOutcome.Successful)]
    [InlineData(0.0101, MeasurementOutcome.Failed)]
    [InlineData(double.NaN, MeasurementOutcome.Inconclusive)]
    public void A_reading_is_judged_against_its_threshold_and_NaN_is_inconclusive(double value, MeasurementOutcome outcome) =>
        Assert.Equal(outcome, AnalysisEvaluator.Judge(new MetricReading(value), ErrorRate).Outcome);

    [Fact]
    public void An_empty_result_is_inconclusive_and_a_query_error_is_an_error() =>
        Assert.Equal((MeasurementOutcome.Inconclusive, MeasurementOutcome.Error),
            (AnalysisEvaluator.Judge(new MetricReading(null), ErrorRate).Outcome, AnalysisEvaluator.Judge(MetricReading.Failed("connection refused"), ErrorRate).Outcome));

    [Fact]
    public void Every_measurement_within_its_threshold_passes_after_count_rounds_and_not_before()
    {
        var rounds = Enumerable.Range(0, 4).SelectMany(_ => new[] { M(ErrorRate, MeasurementOutcome.Successful), M(P95, MeasurementOutcome.Successful) }).ToArray();

        Assert.Equal(AnalysisResult.Running, Result(Settings(), rounds[..6]));
        Assert.Equal(AnalysisResult.Successful, Result(Settings(), rounds));
    }

    [Fact]
    public void Failures_up_to_the_limit_are_tolerated_and_one_more_fails()
    {
        var settings = Settings(failureLimit: 1);
        var one = new[] { M(ErrorRate, MeasurementOutcome.Failed, 0.05), M(P95, MeasurementOutcome.Successful) };
        var two = one.Concat([M(ErrorRate, MeasurementOutcome.Failed, 0.07), M(P95, MeasurementOutcome.Successful)]).ToArray();

        Assert.Equal(AnalysisResult.Running, Result(settings, one));
        var verdict = AnalysisEvaluator.Evaluate(settings, [ErrorRate, P95], two, 4);
        Assert.Equal(AnalysisResult.Failed, verdict.Result);
        Assert.Contains("error-rate failed 2 of 2 measurements (limit 1; worst 0.07", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_default_failure_limit_of_zero_the_first_breach_fails_at_once()
    {
        Assert.Equal(AnalysisResult.Failed, Result(Settings(), M(ErrorRate, MeasurementOutcome.Failed, 0.2), M(P95, MeasurementOutcome.Successful)));
    }

    [Fact]
    public void Inconclusive_measurements_beyond_their_limit_are_inconclusive_never_passed()
    {
        var within = new[] { M(ErrorRate, MeasurementOutcome.Inconclusive, null), M(P95, MeasurementOutcome.Successful) };
        var beyond = within.Concat([M(ErrorRate, MeasurementOutcome.Inconclusive, null), M(P95, MeasurementOutcome.Successful)]).ToArray();

        Assert.Equal(AnalysisResult.Running, Result(Settings(inconclusiveLimit: 1), within));
        Assert.Equal(AnalysisResult.Inconclusive, Result(Settings(inconclusiveLimit: 1), beyond));
    }

    [Fact]
    public void A_metric_with_no_successful_measurement_is_not_passed_even_within_every_limit()
    {
        var settings = new AnalysisSettings(TimeSpan.FromSeconds(5), 2, 0, 5, 5);
        var measurements = new[] { M(ErrorRate, MeasurementOutcome.Inconclusive, null), M(ErrorRate, MeasurementOutcome.Inconclusive, null) };

        Assert.Equal(AnalysisResult.Inconclusive, AnalysisEvaluator.Evaluate(settings, [ErrorRate], measurements, 2).Result);
    }

    [Fact]
    public void Consecutive_errors_beyond_the_limit_err_while_errors_broken_by_a_success_do_not()
    {
        var broken = new[] { M(ErrorRate, MeasurementOutcome.Error, null), M(ErrorRate, MeasurementOutcome.Error, null),
            M(ErrorRate, MeasurementOutcome.Successful), M(ErrorRate, MeasurementOutcome.Error, null) };
        var consecutive = new[] { M(ErrorRate, MeasurementOutcome.Successful), M(ErrorRate, MeasurementOutcome.Error, null),
            M(ErrorRate, MeasurementOutcome.Error, null), M(ErrorRate, MeasurementOutcome.Error, null) };

        Assert.Equal(AnalysisResult.Successful, AnalysisEvaluator.Evaluate(Settings(consecutiveErrorLimit: 2), [ErrorRate], broken, 4).Result);
        Assert.Equal(AnalysisResult.Error, AnalysisEvaluator.Evaluate(Settings(consecutiveErrorLimit: 2), [ErrorRate], consecutive, 4).Result);
    }

    [Fact]
    public void The_worst_outcome_across_metrics_wins()
    {
        var settings = Settings(inconclusiveLimit: 0);
        var failedAndInconclusive = new[] { M(ErrorRate, MeasurementOutcome.Inconclusive, null), M(P95, MeasurementOutcome.Failed, 0.9) };
        var inconclusiveAndPassing = Enumerable.Range(0, 4).SelectMany(_ => new[] { M(P95, MeasurementOutcome.Successful) }).Append(M(ErrorRate, MeasurementOutcome.Inconclusive, null)).ToArray();

        Assert.Equal(AnalysisResult.Failed, Result(settings, failedAndInconclusive));
        Assert.Equal(AnalysisResult.Inconclusive, Result(settings, inconclusiveAndPassing));
    }
}
