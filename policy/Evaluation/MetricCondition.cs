using Bpdp.Policy.Parsing;
using Cel;

namespace Bpdp.Policy.Evaluation;

/// <summary>
/// A metric's <c>successCondition</c>, compiled once: CEL over <c>result</c> (the measured value) and <c>baseline</c> (the live
/// color's value, when measured), evaluated within an <see cref="EvaluationBudget"/> like every policy condition.
/// </summary>
public sealed class MetricCondition
{
    private readonly CelProgramDelegate program;

    private MetricCondition(string text, CelProgramDelegate program)
    {
        Text = text;
        this.program = program;
    }

    public string Text { get; }

    /// <summary>Compiles and type-checks the condition; a problem is said in words (the validator adds where).</summary>
    public static MetricCondition? Compile(string text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        problem = null;
        if (text.Length > PolicyLimits.MaxExpressionLength)
        {
            problem = $"is {text.Length} characters; the limit is {PolicyLimits.MaxExpressionLength}.";
            return null;
        }

        CelProgramDelegate program;
        try
        {
            var environment = BoundedCel.CreateEnvironment();
            var tree = environment.Parse(text);
            if (ComprehensionNesting.Depth(tree) > PolicyLimits.MaxComprehensionNesting)
            {
                problem = $"nests comprehensions deeper than {PolicyLimits.MaxComprehensionNesting}.";
                return null;
            }

            program = environment.Compile(tree);
        }
        catch (CelException error)
        {
            problem = $"is not valid CEL: {error.Message}";
            return null;
        }

        var condition = new MetricCondition(text, program);
        try
        {
            if (condition.Holds(1.0, 1.0) is null)
            {
                problem = "gives something other than true or false: it must compare result, e.g. result <= 100 or result < baseline * 1.1.";
                return null;
            }
        }
        catch (CelUndeclaredReferenceException error)
        {
            problem = $"names something other than result and baseline: {error.Message}";
            return null;
        }
        catch (CelException error) when (error is CelNoSuchOverloadException or CelNoSuchFieldException)
        {
            problem = $"has a type error: {error.Message} result and baseline are numbers (double): compare them with numbers such as 100.0 or 0.5.";
            return null;
        }
        catch (EvaluationLimitExceededException error)
        {
            problem = $"breaks an evaluation limit: {error.Message}";
            return null;
        }

        return condition;
    }

    /// <summary>Whether the condition holds for the measured value; null when it gives no boolean.</summary>
    public bool? Holds(double result, double? baseline)
    {
        try
        {
            var value = EvaluationMeter.Run(EvaluationBudget.Default, () => program.Invoke(new Dictionary<string, object?> { ["result"] = result, ["baseline"] = baseline ?? double.NaN }));
            return value as bool?;
        }
        catch (LimitUnwind broken)
        {
            throw new EvaluationLimitExceededException("successCondition", broken.Limit, broken.Message);
        }
    }
}
