using System.Globalization;
using System.Text.RegularExpressions;
using Bpdp.Contracts;
using Bpdp.Policy;
using Bpdp.Policy.Model;
using YamlDotNet.RepresentationModel;

namespace Bpdp.Policy.Parsing;

/// <summary>
/// Reads typed values out of YAML nodes and records every problem with its line, column and path,
/// instead of stopping at the first: authors fix a whole file in one pass.
/// </summary>
internal sealed partial class NodeReader
{
    public List<PolicyError> Errors { get; } = [];

    public void Error(YamlNode node, string path, string message) =>
        Errors.Add(new PolicyError(checked((int)node.Start.Line), checked((int)node.Start.Column), path, message));

    public static SourcePosition Position(YamlNode node) => new(checked((int)node.Start.Line), checked((int)node.Start.Column));

    public YamlMappingNode? Mapping(YamlNode node, string path)
    {
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        Error(node, path, $"{path} must be a mapping of keys to values.");
        return null;
    }

    public YamlSequenceNode? Sequence(YamlNode node, string path)
    {
        if (node is YamlSequenceNode sequence)
        {
            return sequence;
        }

        Error(node, path, $"{path} must be a list (items starting with '- ').");
        return null;
    }

    public YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    /// <summary>A required child: its absence is an error at the parent, naming the key.</summary>
    public YamlNode? Required(YamlMappingNode map, string key, string path, string what)
    {
        var child = Child(map, key);
        if (child is null)
        {
            Error(map, Join(path, key), $"{Join(path, key)} is missing: add '{key}:' ({what}).");
        }

        return child;
    }

    public string? Text(YamlNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { Length: > 0 } value })
        {
            return value;
        }

        Error(node, path, $"{path} must be a non-empty text value.");
        return null;
    }

    public string? RequiredText(YamlMappingNode map, string key, string path, string what) =>
        Text(Required(map, key, path, what), Join(path, key));

    public string? OptionalText(YamlMappingNode map, string key, string path) => Text(Child(map, key), Join(path, key));

    public bool? Boolean(YamlNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode scalar && ScalarValues.From(scalar) is bool value)
        {
            return value;
        }

        Error(node, path, $"{path} must be true or false.");
        return null;
    }

    public int Integer(YamlMappingNode map, string key, string path, int fallback, int min, int max)
    {
        var node = Child(map, key);
        if (node is null)
        {
            return fallback;
        }

        if (node is YamlScalarNode scalar && ScalarValues.From(scalar) is long value && value >= min && value <= max)
        {
            return (int)value;
        }

        Error(node, Join(path, key), $"{Join(path, key)} must be a whole number from {min} to {max}.");
        return fallback;
    }

    public double Number(YamlMappingNode map, string key, string path, double fallback, double min, double max)
    {
        var node = Child(map, key);
        if (node is null)
        {
            return fallback;
        }

        var value = node is YamlScalarNode scalar ? ScalarValues.From(scalar) : null;
        var number = value switch { long l => l, double d => d, _ => double.NaN };
        if (number >= min && number <= max)
        {
            return number;
        }

        Error(node, Join(path, key), $"{Join(path, key)} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.");
        return fallback;
    }

    /// <summary>A duration written as a whole number and a unit: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>.</summary>
    public TimeSpan Duration(YamlMappingNode map, string key, string path, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        var node = Child(map, key);
        if (node is null)
        {
            return fallback;
        }

        var match = node is YamlScalarNode { Value: { } text } ? DurationPattern().Match(text) : Match.Empty;
        if (match.Success)
        {
            var amount = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var value = match.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                _ => TimeSpan.FromHours(amount),
            };
            if (value >= min && value <= max)
            {
                return value;
            }
        }

        Error(node, Join(path, key), $"{Join(path, key)} must be a duration from {Show(min)} to {Show(max)}, written like 500ms, 30s, 5m or 1h.");
        return fallback;
    }

    /// <summary>Reports every key of <paramref name="map"/> that is not in <paramref name="known"/>, suggesting the nearest known one.</summary>
    public void RejectUnknownKeys(YamlMappingNode map, string path, params string[] known)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (known.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            var nearest = known.MinBy(k => EditDistance(k, name));
            var hint = nearest is not null && EditDistance(nearest, name) <= Math.Max(2, name.Length / 3) ? $" Did you mean '{nearest}'?" : "";
            Error(key, Join(path, name), $"Unknown field '{name}' in {(path.Length == 0 ? "the document" : path)}.{hint} Allowed: {string.Join(", ", known)}.");
        }
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string Show(TimeSpan value) =>
        value.TotalHours >= 1 && value.Minutes == 0 && value.Seconds == 0 ? $"{value.TotalHours:0}h"
        : value.TotalSeconds >= 1 && value.Milliseconds == 0 ? $"{value.TotalSeconds:0}s"
        : $"{value.TotalMilliseconds:0}ms";

    private static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }

    [GeneratedRegex(@"^([0-9]{1,9})(ms|s|m|h)\z", RegexOptions.NonBacktracking)]
    private static partial Regex DurationPattern();
}
