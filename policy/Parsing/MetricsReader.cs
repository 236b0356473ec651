using System.Text.RegularExpressions;
using Bpdp.Contracts;
using Bpdp.Policy.Model;
using YamlDotNet.RepresentationModel;

namespace Bpdp.Policy.Parsing;

/// <summary>
/// Reads <c>deploy.metrics</c>: each metric's provider and where it reads, its condition, limits and phases. The
/// condition itself is compiled by the validator; here only the shape, the names and the placeholders are checked.
/// </summary>
internal static partial class MetricsReader
{
    private const int MaxMetrics = 20;
    private const int MaxQueryLength = 4096;
    private static readonly string[] Reserved = ["error-rate", "p95-wait-time-seconds"];

    public static IReadOnlyList<MetricDefinition> Read(NodeReader reader, YamlNode node)
    {
        const string path = "deploy.metrics";
        if (reader.Sequence(node, path) is not { } list)
        {
            return [];
        }

        if (list.Children.Count > MaxMetrics)
        {
            reader.Error(list, path, $"{path} lists {list.Children.Count} metrics; the limit is {MaxMetrics}.");
        }

        var metrics = new List<MetricDefinition>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (reader.Mapping(list.Children[i], at) is not { } map)
            {
                continue;
            }

            reader.RejectUnknownKeys(map, at, "name", "provider", "query", "url", "jsonPath", "successCondition", "failureLimit", "phases", "dryRun");
            if (Metric(reader, map, at) is { } metric)
            {
                if (!names.Add(metric.Name))
                {
                    reader.Error(map.Children[new YamlScalarNode("name")], $"{at}.name", $"Metric '{metric.Name}' is defined twice in {path}; names must be unique.");
                }

                metrics.Add(metric);
            }
        }

        return metrics;
    }

    private static MetricDefinition? Metric(NodeReader reader, YamlMappingNode map, string at)
    {
        var nameNode = reader.Required(map, "name", at, "the metric's name, e.g. case-backlog");
        var name = reader.Text(nameNode, $"{at}.name");
        if (name is not null && !Name().IsMatch(name))
        {
            reader.Error(nameNode!, $"{at}.name", $"Metric name '{name}' must be lowercase letters, digits and '-', starting with a letter, at most 63 characters.");
        }
        else if (name is not null && Reserved.Contains(name, StringComparer.Ordinal))
        {
            reader.Error(nameNode!, $"{at}.name", $"Metric name '{name}' is the built-in KPI's; set its threshold in deploy.kpis, or choose another name.");
        }

        var providerNode = reader.Required(map, "provider", at, "prometheus or web");
        MetricProvider? provider = reader.Text(providerNode, $"{at}.provider") switch
        {
            null => null,
            "prometheus" => MetricProvider.Prometheus,
            "web" => MetricProvider.Web,
            var other => Unknown(reader, providerNode!, $"{at}.provider", $"Unknown metric provider '{other}': use prometheus or web."),
        };
        var query = Source(reader, map, "query", at, provider is null ? null : provider == MetricProvider.Prometheus, "a PromQL query");
        var url = Source(reader, map, "url", at, provider is null ? null : provider == MetricProvider.Web, "the http(s) URL that answers JSON");
        var jsonPath = Source(reader, map, "jsonPath", at, provider is null ? null : provider == MetricProvider.Web, "where the number is in the answer, e.g. $.p95Seconds");
        if (url is not null && (!Uri.TryCreate(MetricDefinition.Placeholder().Replace(url, "x"), UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https")))
        {
            reader.Error(map.Children[new YamlScalarNode("url")], $"{at}.url", $"{at}.url must be an absolute http or https URL, e.g. http://telemetry.example/kpi?version={{{{version}}}}.");
        }

        if (jsonPath is not null && !jsonPath.StartsWith('$'))
        {
            reader.Error(map.Children[new YamlScalarNode("jsonPath")], $"{at}.jsonPath", $"{at}.jsonPath must be a JSONPath starting with '$', e.g. $.p95Seconds.");
        }

        var conditionNode = reader.Required(map, "successCondition", at, "a CEL condition over result, e.g. result <= 100");
        var condition = reader.Text(conditionNode, $"{at}.successCondition");
        var failureLimit = reader.Child(map, "failureLimit") is null ? (int?)null : reader.Integer(map, "failureLimit", at, 0, 0, 1000);
        var phases = Phases(reader, map, at);
        var dryRun = reader.Boolean(reader.Child(map, "dryRun"), $"{at}.dryRun") ?? false;
        if (condition is not null && MetricDefinition.ComparesWithBaseline(condition) && phases.Contains(AnalysisPhase.PostPromotion))
        {
            reader.Error(reader.Child(map, "phases") ?? conditionNode!, $"{at}.phases",
                $"Metric '{name}' compares with baseline, the other color's value, which only serves before the cutover: after it the old color gets no traffic. Set phases: [pre].");
        }

        if (query is not null && OutsideStrings(query) is { } bare)
        {
            reader.Error(map.Children[new YamlScalarNode("query")], $"{at}.query",
                $"The placeholder {bare} in {at}.query must be inside a double-quoted PromQL string, e.g. version=\"{{{{version}}}}\": only there is its value escaped.");
        }
        return name is null || provider is null || condition is null || conditionNode is null
            ? null
            : new MetricDefinition(name, provider.Value, query, url, jsonPath, condition, NodeReader.Position(conditionNode), failureLimit, phases, dryRun, NodeReader.Position(map));
    }

    /// <summary>
    /// The query, URL or JSONPath: required for its provider, refused for the other (neither when the provider is unknown,
    /// <paramref name="wanted"/> null); placeholders must be known ones.
    /// </summary>
    private static string? Source(NodeReader reader, YamlMappingNode map, string key, string at, bool? wanted, string what)
    {
        var node = reader.Child(map, key);
        if (wanted is null)
        {
            return null;
        }

        if (wanted == false)
        {
            if (node is not null)
            {
                reader.Error(node, $"{at}.{key}", $"{at}.{key} is not read by this provider; remove it.");
            }

            return null;
        }

        var text = reader.Text(reader.Required(map, key, at, what), $"{at}.{key}");
        if (text is null || node is null)
        {
            return null;
        }

        if (text.Length > MaxQueryLength)
        {
            reader.Error(node, $"{at}.{key}", $"{at}.{key} is {text.Length} characters; the limit is {MaxQueryLength}.");
        }

        foreach (Match placeholder in MetricDefinition.Placeholder().Matches(text))
        {
            if (!MetricDefinition.Placeholders.Contains(placeholder.Groups[1].Value, StringComparer.Ordinal))
            {
                reader.Error(node, $"{at}.{key}", $"Unknown placeholder '{placeholder.Value}' in {at}.{key}; known: {string.Join(" ", MetricDefinition.Placeholders.Select(p => $"{{{{{p}}}}}"))}.");
            }
        }

        return text;
    }

    private static List<AnalysisPhase> Phases(NodeReader reader, YamlMappingNode map, string at)
    {
        if (reader.Child(map, "phases") is not { } node)
        {
            return [AnalysisPhase.PrePromotion, AnalysisPhase.PostPromotion];
        }

        var phases = new List<AnalysisPhase>();
        if (reader.Sequence(node, $"{at}.phases") is { } list)
        {
            foreach (var item in list.Children)
            {
                switch ((item as YamlScalarNode)?.Value)
                {
                    case "pre":
                        phases.Add(AnalysisPhase.PrePromotion);
                        break;
                    case "post":
                        phases.Add(AnalysisPhase.PostPromotion);
                        break;
                    default:
                        reader.Error(item, $"{at}.phases", $"{at}.phases lists '{(item as YamlScalarNode)?.Value}'; each phase is pre or post.");
                        break;
                }
            }

            if (phases.Count == 0 && list.Children.Count == 0)
            {
                reader.Error(node, $"{at}.phases", $"{at}.phases is empty; list pre, post or both, or leave it out for both.");
            }
        }

        return [.. phases.Distinct()];
    }

    /// <summary>The first placeholder of a PromQL query that is not inside a double-quoted string, if any.</summary>
    private static string? OutsideStrings(string query)
    {
        foreach (Match placeholder in MetricDefinition.Placeholder().Matches(query))
        {
            var quotes = 0;
            for (var i = 0; i < placeholder.Index; i++)
            {
                if (query[i] == '\\')
                {
                    i++;
                }
                else if (query[i] == '"')
                {
                    quotes++;
                }
            }

            if (quotes % 2 == 0)
            {
                return placeholder.Value;
            }
        }

        return null;
    }

    private static MetricProvider? Unknown(NodeReader reader, YamlNode node, string path, string message)
    {
        reader.Error(node, path, message);
        return null;
    }

    [GeneratedRegex(@"\A[a-z][a-z0-9-]{0,62}\z")]
    private static partial Regex Name();


}
