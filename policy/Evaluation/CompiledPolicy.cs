using System.Security.Cryptography;
using System.Text;
using Bpdp.Policy.Model;
using Cel;

namespace Bpdp.Policy.Evaluation;

/// <summary>
/// A validated policy with its conditions compiled once, ready to decide cases. Rules are tried in
/// order and the first whose condition is true decides; when none is, <c>spec.default</c> does.
/// Evaluation is deterministic and bounded: conditions are length- and depth-limited CEL, which
/// has no loops but macros over lists, and cases hold no lists.
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

    /// <summary>Decides a case already checked by <see cref="Cases"/>.</summary>
    /// <exception cref="PolicyEvaluationException">A condition failed at run time.</exception>
    public Decision Evaluate(IReadOnlyDictionary<string, object?> input)
    {
        var variables = new Dictionary<string, object?> { ["input"] = input };
        foreach (var (rule, condition) in rules)
        {
            object? result;
            try
            {
                result = condition.Invoke(variables);
            }
            catch (CelException error)
            {
                throw new PolicyEvaluationException(rule.Id, error.Message, error);
            }

            if (result is true)
            {
                return new Decision(rule.Then, rule.Id);
            }

            if (result is not false)
            {
                throw new PolicyEvaluationException(rule.Id, $"its condition gave {result ?? "null"}, not true or false", new InvalidOperationException());
            }
        }

        return new Decision(Module.Default, Decision.DefaultRule);
    }

    internal static string HashOf(string yaml) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml)));
}
