using System.Text.RegularExpressions;
using Bpdp.Contracts;

namespace Bpdp.Policy.Model;

/// <summary>Where an agency-defined metric is read: <c>prometheus</c> (an instant PromQL query) or <c>web</c> (an HTTP GET answering JSON).</summary>
public enum MetricProvider
{
    Prometheus,
    Web,
}

/// <summary>
/// One entry of <c>deploy.metrics</c>: an agency's own KPI, judged by a CEL <see cref="SuccessCondition"/> over <c>result</c>
/// (the measured value) and, when the condition names it, <c>baseline</c> (the same measurement of the live color).
/// </summary>
/// <param name="Query">For <c>prometheus</c>: PromQL with <c>{{policy}} {{version}} {{color}} {{agency}} {{environment}}</c> placeholders.</param>
/// <param name="Url">For <c>web</c>: an http(s) URL with the same placeholders, its host allow-listed by the KpiGate.</param>
/// <param name="JsonPath">For <c>web</c>: where the number is in the JSON answer, e.g. <c>$.p95Seconds</c>.</param>
/// <param name="FailureLimit">Failed measurements tolerated; null: the analysis's <c>failureLimit</c>.</param>
/// <param name="DryRun">Measured, judged and recorded, but never decides the analysis.</param>
public sealed partial record MetricDefinition(
    string Name,
    MetricProvider Provider,
    string? Query,
    string? Url,
    string? JsonPath,
    string SuccessCondition,
    SourcePosition ConditionPosition,
    int? FailureLimit,
    IReadOnlyList<AnalysisPhase> Phases,
    bool DryRun,
    SourcePosition Position)
{
    /// <summary>The placeholders a query or URL may hold.</summary>
    public static readonly IReadOnlyList<string> Placeholders = ["policy", "version", "color", "agency", "environment"];

    /// <summary>Whether the condition compares with the live color's value.</summary>
    public bool UsesBaseline => ComparesWithBaseline(SuccessCondition);

    /// <summary>Whether a successCondition names <c>baseline</c>.</summary>
    public static bool ComparesWithBaseline(string condition) => BaselineWord().IsMatch(condition);

    /// <summary>A placeholder as a query or URL may write it, <c>{{version}}</c> or <c>{{ version }}</c>; group 1 is its name.</summary>
    [GeneratedRegex(@"\{\{\s*([A-Za-z]*)\s*\}\}")]
    public static partial Regex Placeholder();

    [GeneratedRegex(@"\bbaseline\b")]
    private static partial Regex BaselineWord();
}
