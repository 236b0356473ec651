using System.Security.Cryptography;
using System.Text;
using Bpdp.Policy.Model;
using Cel;

namespace Bpdp.Policy.Evaluation;

/// <summary>
/// A validated policy with its conditions compiled once, ready to decide cases. Rules are tried in
/// order and the first whose condition is true decides; when none is, <c>spec.default</c> does.
/// Evaluation is bounded: conditions are length- and depth-limited CEL whose only loops are
/// comprehensions (nested at most <see cref="Parsing.PolicyLimits.MaxComprehensionNesting"/> deep), and each
/// case gets an <see cref="EvaluationBudget"/> of comprehension steps and time (see <see cref="BoundedCel"/>).
/// </summary>
public sealed class CompiledPolicy
{
    private readonly IReadOnlyList<(PolicyRule Rule, CelProgramDelegate Condition)> rules;

    internal CompiledPolicy(PolicyModule module, IReadOnlyList<(PolicyRule, CelProgramDelegate)> rules, string sha256)
    {
        Module = module;
        this.rules = rules;
        Sha256 = sha256;
        Cases = new CaseValidator(module.Inputs);
    }

    public PolicyModule Module { get; }

    /// <summary>SHA-256 of the policy file's UTF-8 bytes, lowercase hex.</summary>
    public string Sha256 { get; }

    public CaseValidator Cases { get; }

    /// <summary>Decides a case already checked by <see cref="Cases"/>, within <see cref="EvaluationBudget.Default"/>.</summary>
    /// <exception cref="PolicyEvaluationException">A condition failed at run time.</exception>
    /// <exception cref="EvaluationLimitExceededException">Deciding the case broke an evaluation limit.</exception>
    public Decision Evaluate(IReadOnlyDictionary<string, object?> input) => Evaluate(input, EvaluationBudget.Default);

    /// <summary>Decides a case already checked by <see cref="Cases"/>, spending at most <paramref name="budget"/> across all the rules tried.</summary>
    /// <exception cref="PolicyEvaluationException">A condition failed at run time.</exception>
    /// <exception cref="EvaluationLimitExceededException">Deciding the case broke an evaluation limit.</exception>
    public Decision Evaluate(IReadOnlyDictionary<string, object?> input, EvaluationBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var variables = new Dictionary<string, object?> { ["input"] = input };
        var trying = "";
        try
        {
            return EvaluationMeter.Run(budget, () =>
            {
                foreach (var (rule, condition) in rules)
                {
                    trying = rule.Id;
                    if (Decide(rule, condition, variables))
                    {
                        return new Decision(rule.Then, rule.Id);
                    }
                }

                return new Decision(Module.Default, Decision.DefaultRule);
            });
        }
        catch (LimitUnwind broken)
        {
            throw new EvaluationLimitExceededException(trying, broken.Limit, broken.Message);
        }
    }

    private static bool Decide(PolicyRule rule, CelProgramDelegate condition, Dictionary<string, object?> variables)
    {
        object? result;
        try
        {
            result = condition.Invoke(variables);
        }
        catch (LimitUnwind)
        {
            throw;
        }
        catch (CelException error)
        {
            throw new PolicyEvaluationException(rule.Id, error.Message, error);
        }

        return result is bool decided
            ? decided
            : throw new PolicyEvaluationException(rule.Id, $"its condition gave {result ?? "null"}, not true or false", new InvalidOperationException());
    }

    internal static string HashOf(string yaml) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml)));
}
