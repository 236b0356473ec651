namespace Bpdp.Policy.Parsing;

/// <summary>The bounds every policy must stay within, so that parsing and evaluation stay cheap and bounded.</summary>
public static class PolicyLimits
{
    public const int MaxFileBytes = 1024 * 1024;
    public const int MaxRules = 500;
    public const int MaxInputs = 200;
    public const int MaxSamples = 1000;
    public const int MaxOutcomeFields = 50;
    public const int MaxExpressionLength = 1000;

    /// <summary>The deepest nesting of brackets in one condition.</summary>
    public const int MaxExpressionDepth = 16;
}
