using Bpdp.Contracts;
using Bpdp.Policy.Model;

namespace Bpdp.KpiGate.Sources;

/// <summary>
/// The values of a metric's placeholders for one measurement, escaped for where they land: inside a double-quoted PromQL
/// string (backslash, quote and line breaks escaped; the validator refuses a placeholder outside one) or in a URL
/// (percent-encoded), so no value can change the query's meaning. <c>{{ version }}</c> is <c>{{version}}</c>.
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
        return MetricDefinition.Placeholder().Replace(text, match => match.Groups[1].Value switch
        {
            "policy" => escape(Policy),
            "version" => escape(Version),
            "color" => escape(Color),
            "agency" => escape(Agency),
            "environment" => escape(Environment),
            _ => match.Value,
        });
    }

    private static string PromQlString(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
}
