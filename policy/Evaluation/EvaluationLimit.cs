namespace Bpdp.Policy.Evaluation;

/// <summary>Which bound an evaluation broke (see <see cref="Parsing.PolicyLimits"/>).</summary>
public enum EvaluationLimit
{
    /// <summary>More comprehension steps than the budget allows.</summary>
    Steps,

    /// <summary>Ran past its deadline.</summary>
    Time,

    /// <summary>A <c>matches()</c> pattern longer than <see cref="Parsing.PolicyLimits.MaxPatternLength"/>.</summary>
    PatternLength,
}
