using Bpdp.Contracts;

namespace Bpdp.KpiGate.Sources;

/// <summary>
/// The values of a metric's placeholders for one measurement, escaped for where they land: inside a PromQL string
/// (backslash, quote and line breaks escaped) or in a URL (percent-encoded), so no value can change the query's meaning.
/// </summary>
public sealed record MetricPlaceholders(string Policy, string Version, string Color, string Agency, string Environment)
{
    public static MetricPlaceholders For(DeploymentTarget target, Color color)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new(target.PolicyName, target.PolicyVersion, color.ToString().ToLowerInvariant(), target.Agency, target.Environment);
    }

    public string InPromQl(string query) => Fill(query, PromQlString);

    public string InUrl(string url) => Fill(url, Uri.EscapeDataString);

    private string Fill(string text, Func<string, string> escape)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("{{policy}}", escape(Policy), StringComparison.Ordinal)
            .Replace("{{version}}", escape(Version), StringComparison.Ordinal)
            .Replace("{{color}}", escape(Color), StringComparison.Ordinal)
            .Replace("{{agency}}", escape(Agency), StringComparison.Ordinal)
            .Replace("{{environment}}", escape(Environment), StringComparison.Ordinal);
    }

    private static string PromQlString(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)
        .Replace("`", "\\`", StringComparison.Ordinal);
}
