using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Bpdp.Contracts;
using Bpdp.Policy.Evaluation;
using Bpdp.Policy.Model;
using Bpdp.Policy.Parsing;
using Cel;

namespace Bpdp.Policy;

/// <summary>
/// The policy lint: parses, compiles every condition, type-checks conditions against the declared
/// inputs, finds rules that can never match, and runs the samples. A policy is valid only when all
/// of that passes; every error is reported, each with line, column and path.
/// </summary>
public static partial class PolicyValidator
{
    /// <summary>Validates a policy, running its conditions for at most <see cref="PolicyLimits.ValidationTimeout"/> in total.</summary>
    public static PolicyValidationResult Validate(string yaml) => Validate(yaml, PolicyLimits.ValidationTimeout);

    /// <summary>
    /// Validates a policy, running its conditions on probe cases and samples for at most <paramref name="timeout"/>
    /// in total; past it, the sample it stopped at is an error and the rest are not run.
    /// </summary>
    public static PolicyValidationResult Validate(string yaml, TimeSpan timeout) => Validate(yaml, timeout, EvaluationBudget.Default);

    /// <summary>
    /// Validates a policy as <see cref="Validate(string, TimeSpan)"/> does, each probe and sample evaluated within
    /// <paramref name="evaluation"/> (its timeout cut to the validation time left).
    /// </summary>
    public static PolicyValidationResult Validate(string yaml, TimeSpan timeout, EvaluationBudget evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var started = Stopwatch.GetTimestamp();
        var (module, parseErrors) = PolicyParser.Parse(yaml);
        if (module is null)
        {
            return new PolicyValidationResult(null, parseErrors);
        }

        // Each run gets the evaluation budget, cut short when less validation time is left than it allows.
        EvaluationBudget Budget() => evaluation with
        {
            Timeout = TimeSpan.FromTicks(Math.Clamp((timeout - Stopwatch.GetElapsedTime(started)).Ticks, 0, evaluation.Timeout.Ticks)),
        };

        var errors = new List<PolicyError>();
        var environment = BoundedCel.CreateEnvironment();
        var compiled = new List<(PolicyRule, CelProgramDelegate)>();
        for (var i = 0; i < module.Rules.Count; i++)
        {
            if (Compile(environment, module.Rules[i], $"spec.rules[{i}].when", module.Inputs, Budget, errors) is { } condition)
            {
                compiled.Add((module.Rules[i], condition));
            }
        }

        FindUnreachableRules(module.Rules, errors);
        for (var i = 0; i < module.Deploy.Metrics.Count; i++)
        {
            var metric = module.Deploy.Metrics[i];
            if (MetricCondition.Compile(metric.SuccessCondition, out var problem) is null)
            {
                errors.Add(new PolicyError(metric.ConditionPosition.Line, metric.ConditionPosition.Column, $"deploy.metrics[{i}].successCondition",
                    $"The successCondition of metric '{metric.Name}' {problem}"));
            }
        }

        var policy = new CompiledPolicy(module, compiled, CompiledPolicy.HashOf(yaml));
        if (errors.Count == 0)
        {
            RunSamples(policy, Budget, timeout, errors);
        }

        var sorted = errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList();
        return new PolicyValidationResult(sorted.Count == 0 ? policy : null, sorted);
    }

    /// <summary>
    /// The <c>web</c> metrics whose URL's host is not in <paramref name="allowedHosts"/> (<c>KpiGate:WebMetricHosts</c>): a policy
    /// cannot make the gate call any host it likes. Each is an error at the metric's URL.
    /// </summary>
    public static IReadOnlyList<PolicyError> WebMetricHostProblems(PolicyModule module, IReadOnlyCollection<string> allowedHosts)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(allowedHosts);
        var problems = new List<PolicyError>();
        for (var i = 0; i < module.Deploy.Metrics.Count; i++)
        {
            var metric = module.Deploy.Metrics[i];
            Uri? url = null;
            var host = metric.Url is null ? null : Uri.TryCreate(MetricDefinition.Placeholder().Replace(metric.Url, "x"), UriKind.Absolute, out url) ? url.Host : "";
            if (host is not null && !allowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase) && !allowedHosts.Contains(url?.Authority ?? "", StringComparer.OrdinalIgnoreCase))
            {
                problems.Add(new PolicyError(metric.Position.Line, metric.Position.Column, $"deploy.metrics[{i}].url",
                    $"Metric '{metric.Name}' reads {host}, which is not an allowed metric host (KpiGate:WebMetricHosts: {(allowedHosts.Count == 0 ? "none" : string.Join(", ", allowedHosts))})."));
            }
        }

        return problems;
    }

    private static CelProgramDelegate? Compile(CelEnvironment environment, PolicyRule rule, string path, IReadOnlyList<InputField> inputs, Func<EvaluationBudget> budget, List<PolicyError> errors)
    {
        void Fail(string message) => errors.Add(new PolicyError(rule.WhenPosition.Line, rule.WhenPosition.Column, path, message));

        if (rule.When.Length > PolicyLimits.MaxExpressionLength)
        {
            Fail($"The condition of rule '{rule.Id}' is {rule.When.Length} characters; the limit is {PolicyLimits.MaxExpressionLength}. Split it across rules.");
            return null;
        }

        if (NestingDepth(rule.When) is var depth && depth > PolicyLimits.MaxExpressionDepth)
        {
            Fail($"The condition of rule '{rule.Id}' nests brackets {depth} deep; the limit is {PolicyLimits.MaxExpressionDepth}.");
            return null;
        }

        CelProgramDelegate condition;
        try
        {
            var tree = environment.Parse(rule.When);
            if (ComprehensionNesting.Depth(tree) is var nesting && nesting > PolicyLimits.MaxComprehensionNesting)
            {
                Fail($"The condition of rule '{rule.Id}' nests comprehensions (.all, .exists, .exists_one, .map, .filter) {nesting} deep; the limit is {PolicyLimits.MaxComprehensionNesting}, "
                    + "because each level runs the one inside once per element. Move the inner test into a rule of its own, or compare fewer lists.");
                return null;
            }

            condition = environment.Compile(tree);
        }
        catch (CelException error)
        {
            Fail($"The condition of rule '{rule.Id}' is not valid CEL: {error.Message}");
            return null;
        }

        if (TypeProblem(condition, inputs, budget) is { } problem)
        {
            Fail($"The condition of rule '{rule.Id}' {problem}");
            return null;
        }

        return condition;
    }

    /// <summary>
    /// Conditions are type-checked by evaluating them on probe cases that hold every declared input
    /// with a value of its type: a comparison of a number input with text, an undeclared input, or a
    /// result that is not a boolean fails on a probe. Errors that depend on values (division by zero)
    /// are left to run time, where they count against the KPI gate. A probe that breaks an evaluation limit, or
    /// a <c>matches()</c> pattern that is not RE2 syntax, is a problem of the condition too.
    /// </summary>
    private static string? TypeProblem(CelProgramDelegate condition, IReadOnlyList<InputField> inputs, Func<EvaluationBudget> budget)
    {
        foreach (var probe in ProbeCases(inputs))
        {
            try
            {
                var result = EvaluationMeter.Run(budget(), () => condition.Invoke(new Dictionary<string, object?> { ["input"] = probe }));
                if (result is not bool)
                {
                    return $"gives {Show(result)}, not true or false: a condition must be a comparison or a test.";
                }
            }
            catch (LimitUnwind broken)
            {
                return $"breaks an evaluation limit on a probe case: {broken.Message}.";
            }
            catch (PatternException error)
            {
                return $"has an invalid pattern: {error.Message}";
            }
            catch (CelNoSuchOverloadException error)
            {
                return $"has a type error: {error.Message} Compare each input with a value of its declared type ({Types(inputs)}).";
            }
            catch (CelNoSuchFieldException error)
            {
                return $"reads an input that is not declared: {error.Message} Declared inputs: {string.Join(", ", inputs.Select(i => i.Name))}.";
            }
            catch (CelUndeclaredReferenceException error)
            {
                return $"refers to something other than 'input': {error.Message} Case fields are read as input.<name>.";
            }
            catch (CelException)
            {
                // Value-dependent failures (division by zero, overflow) are not type errors.
            }
        }

        return null;
    }

    private static IEnumerable<Dictionary<string, object?>> ProbeCases(IReadOnlyList<InputField> inputs)
    {
        foreach (var (flag, number) in new (bool, object)[] { (false, 1L), (true, 2.5) })
        {
            yield return inputs.ToDictionary(i => i.Name, i => i.Type switch
            {
                InputType.Number => number,
                InputType.Boolean => flag,
                InputType.Enum => i.Values.Count > 0 ? i.Values[0] : "",
                InputType.Date => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
                _ => (object?)"probe",
            });
        }
    }

    /// <summary>
    /// A rule can never match when an earlier rule matches every case it does: an earlier condition
    /// that is literally <c>true</c>, or the same condition text. (Deeper implications are not searched.)
    /// </summary>
    private static void FindUnreachableRules(IReadOnlyList<PolicyRule> rules, List<PolicyError> errors)
    {
        for (var later = 1; later < rules.Count; later++)
        {
            var shadow = rules.Take(later).FirstOrDefault(earlier => Normalize(earlier.When) == "true" || Normalize(earlier.When) == Normalize(rules[later].When));
            if (shadow is not null)
            {
                var rule = rules[later];
                errors.Add(new PolicyError(rule.Position.Line, rule.Position.Column, $"spec.rules[{later}]",
                    $"Rule '{rule.Id}' can never match: rule '{shadow.Id}' (line {shadow.Position.Line}) comes first and matches every case it would. Reorder or remove one."));
            }
        }
    }

    /// <summary>
    /// Every sample must be a valid case and get its expected outcome (and rule) within the evaluation limits;
    /// once the validation's <paramref name="timeout"/> is spent, the sample reached is an error and the rest are skipped.
    /// </summary>
    private static void RunSamples(CompiledPolicy policy, Func<EvaluationBudget> budget, TimeSpan timeout, List<PolicyError> errors)
    {
        var samples = policy.Module.Samples;
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            void Fail(string message) => errors.Add(new PolicyError(sample.Position.Line, sample.Position.Column, $"spec.samples[{i}]", message));

            var sampleBudget = budget();
            if (sampleBudget.Timeout <= TimeSpan.Zero)
            {
                Fail($"Validation stopped at sample '{sample.Name}': running the conditions on probe cases and samples took the whole validation time limit "
                    + $"({timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s). Simplify the conditions or split the samples across modules.");
                return;
            }

            var (input, caseErrors) = policy.Cases.Validate(sample.Input);
            if (input is null)
            {
                Fail($"Sample '{sample.Name}' is not a valid case: {string.Join(" ", caseErrors)}");
                continue;
            }

            try
            {
                var decision = policy.Evaluate(input, sampleBudget);
                if (!decision.Outcome.Matches(sample.Expect))
                {
                    Fail($"Sample '{sample.Name}' expects {Show(sample.Expect)} but the policy decides {Show(decision.Outcome)} (rule '{decision.Rule}').");
                }
                else if (sample.ExpectRule is { } expected && expected != decision.Rule)
                {
                    Fail($"Sample '{sample.Name}' expects rule '{expected}' to decide, but rule '{decision.Rule}' did.");
                }
            }
            catch (PolicyEvaluationException error)
            {
                Fail($"Sample '{sample.Name}' could not be decided: {error.Message}");
            }
            catch (EvaluationLimitExceededException error)
            {
                Fail($"Sample '{sample.Name}' could not be decided: {error.Message}.");
            }
        }
    }

    private static int NestingDepth(string expression)
    {
        int depth = 0, deepest = 0;
        char? quote = null;
        for (var i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            if (quote is not null)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = null;
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c is '(' or '[' or '{')
            {
                deepest = Math.Max(deepest, ++depth);
            }
            else if (c is ')' or ']' or '}')
            {
                depth--;
            }
        }

        return deepest;
    }

    private static string Normalize(string expression) => Whitespace().Replace(expression.Trim(), " ");

    private static string Types(IReadOnlyList<InputField> inputs) =>
        string.Join(", ", inputs.Select(i => $"{i.Name}: {i.Type.ToString().ToLowerInvariant()}"));

    private static string Show(Outcome outcome) =>
        "{" + string.Join(", ", outcome.Fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}: {Show(f.Value)}")) + "}";

    private static string Show(object? value) => value switch
    {
        null => "null",
        string text => text,
        bool flag => flag ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    [GeneratedRegex(@"\s+", RegexOptions.NonBacktracking)]
    private static partial Regex Whitespace();
}

/// <summary>The lint's verdict: the compiled policy when valid, else every error.</summary>
public sealed record PolicyValidationResult(CompiledPolicy? Policy, IReadOnlyList<PolicyError> Errors)
{
    public bool IsValid => Policy is not null;
}
