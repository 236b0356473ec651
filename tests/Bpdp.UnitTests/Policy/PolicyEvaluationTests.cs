using System.Text.Json.Nodes;
using Bpdp.Policy;
using Bpdp.Policy.Evaluation;
using Bpdp.Policy.Parsing;

namespace Bpdp.UnitTests.Policy;

public sealed class PolicyEvaluationTests
{
    private static readonly CompiledPolicy V100 = PolicyValidator.Validate(PolicyExamples.HazFast("1.0.0")).Policy!;
    private static readonly CompiledPolicy V110 = PolicyValidator.Validate(PolicyExamples.HazFast("1.1.0")).Policy!;
    private static readonly CompiledPolicy V101 = PolicyValidator.Validate(PolicyExamples.HazFast("1.0.1")).Policy!;

    private static Dictionary<string, object?> Case(string json)
    {
        var (values, errors) = V100.Cases.ValidateJson(JsonNode.Parse(json));
        Assert.Empty(errors);
        return values!;
    }

    [Fact]
    public void First_matching_rule_decides()
    {
        var decision = V100.Evaluate(Case("""{"injuries": 4, "severity": "critical", "fatality": true, "workers": 10, "industry": "other", "incidentOn": "2026-11-01"}"""));

        Assert.Equal("fatality-fast-track", decision.Rule);
        Assert.IsType<long>(decision.Outcome.Fields["deadlineHours"]);
        Assert.Equal(8L, decision.Outcome.Fields["deadlineHours"]);
    }

    [Fact]
    public void No_matching_rule_gives_the_default()
    {
        var decision = V100.Evaluate(Case("""{"injuries": 1, "severity": "minor", "fatality": false, "workers": 10, "industry": "other", "incidentOn": "2026-11-01"}"""));

        Assert.Equal(Decision.DefaultRule, decision.Rule);
        Assert.Equal("standard-queue", decision.Outcome.Fields["route"]);
    }

    [Fact]
    public void Versions_1_0_0_and_1_1_0_decide_a_construction_case_differently()
    {
        var construction = Case("""{"injuries": 2, "severity": "serious", "fatality": false, "workers": 30, "industry": "construction", "incidentOn": "2026-11-01"}""");

        Assert.Equal(Decision.DefaultRule, V100.Evaluate(construction).Rule);
        Assert.Equal("construction-multi-injury", V110.Evaluate(construction).Rule);
    }

    [Fact]
    public void Faulty_1_0_1_fails_at_run_time_for_an_establishment_without_workers_though_its_lint_passes()
    {
        var noWorkforce = Case("""{"injuries": 1, "severity": "minor", "fatality": false, "workers": 0, "industry": "other", "incidentOn": "2026-11-01"}""");

        var error = Assert.Throws<PolicyEvaluationException>(() => V101.Evaluate(noWorkforce));
        Assert.Equal("high-injury-rate", error.RuleId);
        Assert.Equal(Decision.DefaultRule, V100.Evaluate(noWorkforce).Rule);
    }

    [Fact]
    public void Whole_numbers_in_a_case_stay_integers_and_decimals_stay_decimals()
    {
        var (values, _) = V100.Cases.ValidateJson(JsonNode.Parse("""{"injuries": 2, "workers": 2.5, "severity": "minor", "fatality": false, "industry": "other", "incidentOn": "2026-11-01"}"""));

        Assert.IsType<long>(values!["injuries"]);
        Assert.IsType<double>(values["workers"]);
    }

    [Fact]
    public void Case_errors_name_every_bad_field()
    {
        var (values, errors) = V100.Cases.ValidateJson(JsonNode.Parse("""{"injuries": "two", "severity": "mild", "workers": [1], "extra": 1, "incidentOn": "27/11/2026"}"""));

        Assert.Null(values);
        Assert.Equal(
            ["workers", "injuries", "severity", "extra", "incidentOn", "fatality", "industry"],
            errors.Select(e => e.Field));
    }

    [Fact]
    public void Optional_inputs_may_be_absent_and_conditions_test_them_with_has()
    {
        var withHospitalized = Case("""{"injuries": 1, "severity": "minor", "fatality": false, "hospitalized": 1, "workers": 10, "industry": "other", "incidentOn": "2026-11-01"}""");

        Assert.Equal("amputation-or-hospitalization", V100.Evaluate(withHospitalized).Rule);
    }

    [Fact]
    public void Dates_compare_as_timestamps()
    {
        var yaml = PolicyExamples.HazFast("1.0.0").Replace("when: input.injuries >= 3", "when: input.incidentOn < timestamp('2026-01-01T00:00:00Z')", StringComparison.Ordinal)
            .Replace("input: { injuries: 3, severity: serious, fatality: false, hospitalized: 0, workers: 300, industry: warehousing, incidentOn: 2026-11-05 }",
                "input: { injuries: 3, severity: serious, fatality: false, hospitalized: 0, workers: 300, industry: warehousing, incidentOn: 2025-12-31 }", StringComparison.Ordinal);

        var result = PolicyValidator.Validate(yaml);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void A_policy_over_one_mebibyte_is_refused_before_parsing()
    {
        var yaml = PolicyExamples.HazFast("1.0.0") + "\n#" + new string('x', PolicyLimits.MaxFileBytes);

        var error = Assert.Single(PolicyValidator.Validate(yaml).Errors);

        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.Contains("1 MiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlong_and_overdeep_conditions_are_refused()
    {
        var longCondition = "input.injuries >= 3" + string.Concat(Enumerable.Repeat(" && input.injuries >= 3", 60));
        var deepCondition = new string('(', 20) + "input.injuries >= 3" + new string(')', 20);

        var tooLong = PolicyValidator.Validate(PolicyExamples.HazFast("1.0.0").Replace("when: input.injuries >= 3", $"when: {longCondition}", StringComparison.Ordinal));
        var tooDeep = PolicyValidator.Validate(PolicyExamples.HazFast("1.0.0").Replace("when: input.injuries >= 3", $"when: {deepCondition}", StringComparison.Ordinal));

        Assert.Contains("the limit is 1000", Assert.Single(tooLong.Errors).Message, StringComparison.Ordinal);
        Assert.Contains("the limit is 16", Assert.Single(tooDeep.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_condition_that_is_not_a_boolean_is_refused()
    {
        var result = PolicyValidator.Validate(PolicyExamples.HazFast("1.0.0").Replace("when: input.injuries >= 3", "when: input.injuries + 3", StringComparison.Ordinal));

        Assert.Contains("not true or false", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deploy_section_defaults_apply_and_given_values_are_read()
    {
        var deploy = V100.Module.Deploy;

        Assert.Equal(2, deploy.Replicas);
        Assert.Equal(0.01, deploy.Kpis.ErrorRateMax);
        Assert.Equal(TimeSpan.FromMilliseconds(250), deploy.Kpis.P95WaitTimeMax);
        Assert.Equal(TimeSpan.FromSeconds(5), deploy.Analysis.Interval);
        Assert.Equal(TimeSpan.FromSeconds(30), deploy.Soak);
        Assert.Equal(20, deploy.SmokeTrafficPerSecond);
    }
}
