using Bpdp.Contracts;
using Bpdp.KpiGate.Analysis;
using Bpdp.KpiGate.Sources;
using Bpdp.Policy;
using Bpdp.Policy.Model;

namespace Bpdp.UnitTests.KpiGate;

/// <summary>Agency-defined metrics: how a policy declares them, the errors it gets (with line and column), and how their measurements are judged.</summary>
public sealed class CustomMetricTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static string Policy(string metrics) => (File.ReadAllText(Path.Combine(Bpdp.Testing.RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml"))
        .Replace("  soak: 30s\n", "  soak: 30s\n  metrics:\n" + metrics.TrimEnd('\n') + "\n", StringComparison.Ordinal));

    private const string Backlog = """
            - name: case-backlog
              provider: prometheus
              query: sum(bpdp_case_backlog{agency="{{agency}}", version="{{version}}"})
              successCondition: result <= 100.0
              failureLimit: 1
              phases: [pre, post]
            - name: intake-p95
              provider: web
              url: http://telemetry.osha.example/kpi/intake?version={{version}}
              jsonPath: $.p95Seconds
              successCondition: result < 2.0
              dryRun: true

        """;

    [Fact]
    public void The_documented_metrics_validate_with_their_settings()
    {
        var result = PolicyValidator.Validate(Policy(Backlog));
        Assert.Empty(result.Errors);
        var metrics = result.Policy!.Module.Deploy.Metrics;
        Assert.Equal(["case-backlog", "intake-p95"], metrics.Select(m => m.Name));
        Assert.Equal((MetricProvider.Prometheus, 1, false), (metrics[0].Provider, metrics[0].FailureLimit, metrics[0].DryRun));
        Assert.Equal((MetricProvider.Web, (int?)null, true, "$.p95Seconds"), (metrics[1].Provider, metrics[1].FailureLimit, metrics[1].DryRun, metrics[1].JsonPath));
        Assert.Equal([AnalysisPhase.PrePromotion, AnalysisPhase.PostPromotion], metrics[1].Phases);
    }

    [Theory]
    [InlineData("      successCondition: result <= 'a lot'\n", "successCondition", "has a type error")]
    [InlineData("      successCondition: input.x > 1\n", "successCondition", "names something other than result and baseline")]
    [InlineData("      successCondition: result +\n", "successCondition", "is not valid CEL")]
    [InlineData("      successCondition: result\n", "successCondition", "gives something other than true or false")]
    public void A_bad_condition_is_an_error_at_the_condition(string condition, string field, string message)
    {
        var yaml = Policy($"""
                - name: backlog
                  provider: prometheus
                  query: sum(backlog)
            {condition}
            """);
        var error = Assert.Single(PolicyValidator.Validate(yaml).Errors);
        Assert.Equal($"deploy.metrics[0].{field}", error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        var line = yaml.Split('\n').ToList().FindIndex(l => l.Contains("successCondition", StringComparison.Ordinal)) + 1;
        Assert.Equal((line, 25), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("- name: error-rate\n  provider: prometheus\n  query: up\n  successCondition: result < 1.0\n", "deploy.metrics[0].name", "built-in KPI")]
    [InlineData("- name: x\n  provider: graphite\n  query: up\n  successCondition: result < 1.0\n", "deploy.metrics[0].provider", "Unknown metric provider 'graphite'")]
    [InlineData("- name: x\n  provider: prometheus\n  query: up{a=\"{{user}}\"}\n  successCondition: result < 1.0\n", "deploy.metrics[0].query", "Unknown placeholder '{{user}}'")]
    [InlineData("- name: x\n  provider: web\n  url: ftp://h/x\n  jsonPath: $.v\n  successCondition: result < 1.0\n", "deploy.metrics[0].url", "absolute http or https URL")]
    [InlineData("- name: x\n  provider: web\n  url: http://h/x\n  successCondition: result < 1.0\n", "deploy.metrics[0].jsonPath", "is missing")]
    [InlineData("- name: x\n  provider: prometheus\n  query: up\n  url: http://h/\n  successCondition: result < 1.0\n", "deploy.metrics[0].url", "not read by this provider")]
    [InlineData("- name: x\n  provider: prometheus\n  query: up\n  successCondition: result < 1.0\n  phases: [during]\n", "deploy.metrics[0].phases", "each phase is pre or post")]
    [InlineData("- name: x\n  provider: prometheus\n  query: up{v={{version}}}\n  successCondition: result < 1.0\n", "deploy.metrics[0].query", "must be inside a double-quoted PromQL string")]
    [InlineData("- name: x\n  provider: prometheus\n  query: up\n  successCondition: result < baseline\n", "deploy.metrics[0].phases", "Set phases: [pre]")]
    public void A_malformed_metric_is_an_error_naming_its_field(string metric, string path, string message)
    {
        var indented = string.Concat(metric.Split('\n').Where(l => l.Length > 0).Select(l => "    " + l + "\n"));
        var errors = PolicyValidator.Validate(Policy(indented)).Errors;
        var error = Assert.Single(errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_web_metric_on_a_host_outside_the_allow_list_is_refused_at_its_url()
    {
        var module = PolicyValidator.Validate(Policy(Backlog)).Policy!.Module;
        var problem = Assert.Single(PolicyValidator.WebMetricHostProblems(module, ["telemetry.other.example"]));
        Assert.Equal("deploy.metrics[1].url", problem.Path);
        Assert.Contains("telemetry.osha.example, which is not an allowed metric host", problem.Message, StringComparison.Ordinal);
        Assert.Empty(PolicyValidator.WebMetricHostProblems(module, ["TELEMETRY.osha.example"]));
    }

    [Fact]
    public void Placeholders_are_escaped_for_PromQL_strings_and_URLs()
    {
        var values = new MetricPlaceholders("p", "1.0\"} or vector(1) #", "green", "osha", "prod uction");
        Assert.Equal("up{version=\"1.0\\\"} or vector(1) #\"}", values.InPromQl("up{version=\"{{version}}\"}"));
        Assert.Equal("http://h/k?v=1.0%22%7D%20or%20vector%281%29%20%23&e=prod%20uction", values.InUrl("http://h/k?v={{version}}&e={{ environment }}"));
    }

    [Fact]
    public void A_condition_metric_fails_past_its_own_failure_limit_and_a_dry_run_never_decides()
    {
        var module = PolicyValidator.Validate(Policy(Backlog)).Policy!.Module;
        var backlog = MetricSpec.From(module.Deploy.Metrics[0]);
        var intake = MetricSpec.From(module.Deploy.Metrics[1]);
        var settings = new AnalysisSettings(TimeSpan.FromSeconds(5), 3, 0, 1, 2);
        KpiMeasurement M(MetricSpec metric, double value) =>
            new(At, metric.Name, value, null, AnalysisEvaluator.Judge(new MetricReading(value), metric).Outcome, Condition: metric.Condition!.Text, DryRun: metric.DryRun);

        Assert.Equal(MeasurementOutcome.Failed, AnalysisEvaluator.Judge(new MetricReading(140), backlog).Outcome);
        Assert.Equal(MeasurementOutcome.Successful, AnalysisEvaluator.Judge(new MetricReading(100), backlog).Outcome);
        var oneBreach = new[] { M(backlog, 140), M(intake, 9), M(backlog, 90), M(intake, 9), M(backlog, 80), M(intake, 9) };
        var verdict = AnalysisEvaluator.Evaluate(settings, [backlog, intake], oneBreach, 3);
        Assert.Equal(AnalysisResult.Successful, verdict.Result);

        var twoBreaches = oneBreach.Append(M(backlog, 150)).ToArray();
        verdict = AnalysisEvaluator.Evaluate(settings, [backlog, intake], twoBreaches, 4);
        Assert.Equal(AnalysisResult.Failed, verdict.Result);
        Assert.Equal("case-backlog failed 2 of 4 measurements (limit 1; worst 150, result <= 100.0)", verdict.Reason);
    }

    [Fact]
    public void A_baseline_condition_without_the_live_value_is_inconclusive()
    {
        var yaml = Policy("""
                - name: latency-vs-blue
                  provider: prometheus
                  query: avg(latency{color="{{color}}"})
                  successCondition: result <= baseline * 1.1
                  phases: [pre]
            """);
        var metric = MetricSpec.From(PolicyValidator.Validate(yaml).Policy!.Module.Deploy.Metrics[0]);
        Assert.Equal(MeasurementOutcome.Inconclusive, AnalysisEvaluator.Judge(new MetricReading(1.0), metric, baseline: null).Outcome);
        Assert.Equal(MeasurementOutcome.Successful, AnalysisEvaluator.Judge(new MetricReading(1.05), metric, baseline: 1.0).Outcome);
        Assert.Equal(MeasurementOutcome.Failed, AnalysisEvaluator.Judge(new MetricReading(1.2), metric, baseline: 1.0).Outcome);
    }
}
