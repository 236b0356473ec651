namespace Bpdp.Policy.Evaluation;

/// <summary>A rule's condition failed at run time for a valid case (e.g. a division by zero): the case gets no decision.</summary>
public sealed class PolicyEvaluationException(string ruleId, string message, Exception inner)
    : Exception($"rule '{ruleId}' could not be evaluated: {message}", inner)
{
    public string RuleId { get; } = ruleId;
}
