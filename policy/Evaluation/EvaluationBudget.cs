using Bpdp.Policy.Parsing;

namespace Bpdp.Policy.Evaluation;

/// <summary>What deciding one case may spend: comprehension steps across every rule tried, and wall-clock time.</summary>
public sealed record EvaluationBudget(int MaxSteps, TimeSpan Timeout)
{
    public static EvaluationBudget Default { get; } = new(PolicyLimits.MaxEvaluationSteps, PolicyLimits.EvaluationTimeout);
}
