using Bpdp.Policy;
using Bpdp.Policy.Evaluation;
using Bpdp.Policy.Parsing;

namespace Bpdp.UnitTests.Policy;

/// <summary>
/// Policies and cases written to hang or fool the library: nested comprehensions, catastrophic
/// patterns, long text. Each is decided or refused with a located error; none runs unbounded.
/// </summary>
public sealed class HostilePolicyTests
{
    private static readonly string LongText = new string('a', 64 * 1024 - 16) + "!";

    // The step budget of the defaults, with time enough that a loaded machine still meets the steps first.
    private static readonly EvaluationBudget StepsFirst = EvaluationBudget.Default with { Timeout = TimeSpan.FromMinutes(1) };

    [Fact]
    public void Five_nested_comprehensions_are_refused_at_the_condition_naming_the_nesting_limit()
    {
        var result = PolicyValidator.Validate(HostilePolicies.Module(HostilePolicies.NestedAll(5, HostilePolicies.List(3)), "x", expect: "a"));

        var error = Assert.Single(result.Errors);
        Assert.Equal((HostilePolicies.WhenLine, HostilePolicies.WhenColumn, "spec.rules[0].when"), (error.Line, error.Column, error.Path));
        Assert.Contains("nests comprehensions (.all, .exists, .exists_one, .map, .filter) 5 deep; the limit is 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_614_character_condition_of_five_nested_alls_over_40_elements_is_refused_without_running_it()
    {
        var condition = HostilePolicies.NestedAll(5, HostilePolicies.List(40));

        var result = PolicyValidator.Validate(HostilePolicies.Module(condition, "x", expect: "a"));

        Assert.InRange(condition.Length, 600, PolicyLimits.MaxExpressionLength);
        var error = Assert.Single(result.Errors);
        Assert.Equal((HostilePolicies.WhenLine, HostilePolicies.WhenColumn), (error.Line, error.Column));
        Assert.Contains("the limit is 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_nested_comprehensions_stay_valid()
    {
        var result = PolicyValidator.Validate(HostilePolicies.Module(HostilePolicies.NestedAll(2, HostilePolicies.List(40)), "x", expect: "a"));

        Assert.Empty(result.Errors);
    }

    [Fact]
    public void A_catastrophic_pattern_decides_its_sample_and_a_64_KiB_case()
    {
        var result = PolicyValidator.Validate(HostilePolicies.Module("input.s.matches('^(a+)+$')", new string('a', 28) + "!"));

        Assert.Empty(result.Errors);
        var (input, errors) = result.Policy!.Cases.Validate(new Dictionary<string, object?> { ["s"] = LongText });
        Assert.Empty(errors);
        Assert.Equal(Decision.DefaultRule, result.Policy.Evaluate(input!).Rule);
    }

    [Fact]
    public void A_pattern_with_a_backreference_is_refused_at_the_condition_as_not_RE2()
    {
        var result = PolicyValidator.Validate(HostilePolicies.Module(@"input.s.matches('(a)\\\\1')", "x"));

        var error = Assert.Single(result.Errors);
        Assert.Equal((HostilePolicies.WhenLine, HostilePolicies.WhenColumn), (error.Line, error.Column));
        Assert.Contains("matches()", error.Message, StringComparison.Ordinal);
        Assert.Contains("RE2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Comprehension_steps_over_a_64_KiB_text_exceed_the_step_budget()
    {
        var policy = PolicyValidator.Validate(HostilePolicies.Module("input.s.exists(c, c == 'b')", "x")).Policy!;
        var (input, _) = policy.Cases.Validate(new Dictionary<string, object?> { ["s"] = LongText });

        var error = Assert.Throws<EvaluationLimitExceededException>(() => policy.Evaluate(input!, StepsFirst));

        Assert.Equal(("r", EvaluationLimit.Steps), (error.RuleId, error.Limit));
        Assert.Contains($"{PolicyLimits.MaxEvaluationSteps:N0} comprehension steps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sample_over_the_step_budget_is_an_error_at_the_sample()
    {
        var result = PolicyValidator.Validate(HostilePolicies.Module("input.s.exists(c, c == 'b')", new string('a', PolicyLimits.MaxEvaluationSteps + 1)), TimeSpan.FromMinutes(1), StepsFirst);

        var error = Assert.Single(result.Errors);
        Assert.Equal((HostilePolicies.SampleLine, HostilePolicies.SampleColumn, "spec.samples[0]"), (error.Line, error.Column, error.Path));
        Assert.Contains("comprehension steps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_evaluation_past_its_deadline_is_refused_naming_the_time_limit()
    {
        var policy = PolicyValidator.Validate(HostilePolicies.Module("input.s.matches('^a+$')", "x")).Policy!;
        var (input, _) = policy.Cases.Validate(new Dictionary<string, object?> { ["s"] = "aaa" });

        var error = Assert.Throws<EvaluationLimitExceededException>(() => policy.Evaluate(input!, new EvaluationBudget(PolicyLimits.MaxEvaluationSteps, TimeSpan.Zero)));

        Assert.Equal(EvaluationLimit.Time, error.Limit);
    }

    [Fact]
    public void A_validation_past_its_deadline_is_an_error_at_the_sample_it_stopped_at()
    {
        var result = PolicyValidator.Validate(PolicyExamples.HazFast("1.0.0"), TimeSpan.Zero);

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal("spec.samples[0]", error.Path);
        Assert.Contains("validation time limit", error.Message, StringComparison.Ordinal);
    }
}
