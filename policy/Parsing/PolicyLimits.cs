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

    /// <summary>
    /// The deepest nesting of comprehensions (<c>.all</c>, <c>.exists</c>, <c>.exists_one</c>, <c>.map</c>,
    /// <c>.filter</c>) in one condition: each level multiplies the work by the length of its list.
    /// </summary>
    public const int MaxComprehensionNesting = 2;

    /// <summary>
    /// The comprehension steps (one per element a comprehension visits, at any depth) one case may take
    /// across all the rules tried for it.
    /// </summary>
    public const int MaxEvaluationSteps = 10_000;

    /// <summary>The longest pattern <c>matches()</c> accepts; a pattern can come from a case.</summary>
    public const int MaxPatternLength = 1000;

    /// <summary>
    /// The longest policy name: the name plus <c>-preview</c>, the longest suffix BPDP adds for the
    /// policy's Kubernetes objects, must stay within a 63-character DNS label.
    /// </summary>
    public const int MaxNameLength = 63 - 8;

    /// <summary>
    /// How long deciding one case may take, all rules tried, before it is refused. A backstop behind the step
    /// budget, which a case reaches in about half of this on a loaded core: a deadline would make an ordinary
    /// case's fate depend on the machine's load.
    /// </summary>
    public static readonly TimeSpan EvaluationTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How long the lint may spend running conditions on probes and samples, in total.</summary>
    public static readonly TimeSpan ValidationTimeout = TimeSpan.FromSeconds(10);
}
