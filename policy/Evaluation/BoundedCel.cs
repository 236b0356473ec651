using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Bpdp.Policy.Parsing;
using Cel;
using Cel.Internal;

namespace Bpdp.Policy.Evaluation;

/// <summary>
/// The CEL environment every condition is compiled in, with bounded evaluation. The Cel package (0.3.3)
/// has no cost limit, no cancellation and runs <c>matches()</c> as a backtracking <see cref="Regex"/>
/// without a timeout, so this environment replaces both pieces it cannot configure:
/// <list type="bullet">
/// <item><c>matches()</c> runs with <see cref="RegexOptions.NonBacktracking"/> (linear in the text, like the
/// RE2 engine CEL specifies), a match timeout and a pattern length limit;</item>
/// <item>every comprehension macro counts one step of the current <see cref="EvaluationMeter"/> per element
/// it visits, and stops the evaluation once the budget or the deadline is spent.</item>
/// </list>
/// </summary>
internal static class BoundedCel
{
    private const RegexOptions PatternOptions = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    // Patterns in conditions are few; patterns read from cases are not, so the cache is emptied when full.
    private const int MaxCachedPatterns = 256;
    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    public static CelEnvironment CreateEnvironment()
    {
        var environment = new CelEnvironment(null, null);
        // A function registered later is tried before the package's own overload of the same name.
        environment.RegisterFunction("matches", [typeof(string), typeof(string)], Matches);
        var macros = Macros(Visitor(environment));
        foreach (var (name, macro) in macros.ToList())
        {
            macros[name] = Metered(macro);
        }

        return environment;
    }

    /// <summary>A macro whose predicate costs one step of the current meter each time it runs on an element.</summary>
    private static CelMacroDelegate Metered(CelMacroDelegate macro) =>
        (target, variable, predicate, variables, functions) => macro(target, variable, element =>
        {
            Meter().Step();
            return predicate(element);
        }, variables, functions);

    /// <summary>
    /// <c>text.matches(pattern)</c>: whether <c>pattern</c> matches anywhere in <c>text</c>, in time linear in the
    /// text. Patterns longer than <see cref="PolicyLimits.MaxPatternLength"/> break the evaluation's limits; patterns
    /// that need backtracking (backreferences, lookaround, atomic groups) are refused, as RE2 refuses them.
    /// </summary>
    private static object? Matches(object?[] args)
    {
        var meter = Meter();
        meter.CheckTime();
        if (args is not [string text, string pattern])
        {
            throw new CelNoSuchOverloadException("matches() takes a text and a pattern.");
        }

        if (pattern.Length > PolicyLimits.MaxPatternLength)
        {
            throw meter.Break(EvaluationLimit.PatternLength,
                $"a matches() pattern is {pattern.Length} characters; the limit is {PolicyLimits.MaxPatternLength}");
        }

        try
        {
            return Pattern(pattern).IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            throw meter.TimedOut();
        }
    }

    private static Regex Pattern(string pattern)
    {
        if (Patterns.TryGetValue(pattern, out var cached))
        {
            return cached;
        }

        Regex regex;
        try
        {
            regex = new Regex(pattern, PatternOptions, PolicyLimits.EvaluationTimeout);
        }
        catch (Exception error) when (error is ArgumentException or NotSupportedException)
        {
            throw new PatternException(
                $"matches() cannot use the pattern '{pattern}': {error.Message} Patterns are RE2 syntax, matched in linear time: no backreferences, lookaround or atomic groups.", error);
        }

        if (Patterns.Count >= MaxCachedPatterns)
        {
            Patterns.Clear();
        }

        return Patterns.GetOrAdd(pattern, regex);
    }

    private static EvaluationMeter Meter() =>
        EvaluationMeter.Current ?? throw new InvalidOperationException("A condition ran outside EvaluationMeter.Run: its cost would be unbounded.");

    // The package keeps its macros in a private dictionary of an internal class and offers no way to
    // replace them. UnsafeAccessor binds these by name when first called: a package update that moves them
    // fails every policy test at once (MissingMethodException) instead of silently unbounding evaluation,
    // and, needing no reflection, they keep working in the Native AOT executor.
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_CelVisitor")]
    [return: UnsafeAccessorType("Cel.Internal.CelVisitor, Cel")]
    private static extern object Visitor(CelEnvironment environment);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_InternalMacros")]
    private static extern Dictionary<string, CelMacroDelegate> Macros([UnsafeAccessorType("Cel.Internal.CelVisitor, Cel")] object visitor);
}
