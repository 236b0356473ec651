namespace Bpdp.Policy.Evaluation;

/// <summary>
/// Deciding a case broke one of the evaluation limits while rule <see cref="RuleId"/> was tried: the case
/// gets no decision. Valid cases of a validated policy only meet this when they are unusually costly.
/// </summary>
public sealed class EvaluationLimitExceededException(string ruleId, EvaluationLimit limit, string detail)
    : Exception($"rule '{ruleId}' could not be evaluated within the limits: {detail}")
{
    public string RuleId { get; } = ruleId;

    public EvaluationLimit Limit { get; } = limit;

    /// <summary>The limit's name in metrics and problem bodies: <c>steps</c>, <c>time</c> or <c>pattern-length</c>.</summary>
    public string LimitName => Limit switch
    {
        EvaluationLimit.Steps => "steps",
        EvaluationLimit.Time => "time",
        _ => "pattern-length",
    };
}
