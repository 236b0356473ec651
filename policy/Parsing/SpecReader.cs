using System.Text.RegularExpressions;
using Bpdp.Policy.Model;
using YamlDotNet.RepresentationModel;

namespace Bpdp.Policy.Parsing;

/// <summary>Reads <c>spec.inputs</c>, <c>spec.rules</c>, outcomes and <c>spec.samples</c>.</summary>
internal static partial class SpecReader
{
    private static readonly Dictionary<string, InputType> TypeNames = new(StringComparer.Ordinal)
    {
        ["string"] = InputType.String,
        ["number"] = InputType.Number,
        ["boolean"] = InputType.Boolean,
        ["enum"] = InputType.Enum,
        ["date"] = InputType.Date,
    };

    public static IReadOnlyList<InputField> Inputs(NodeReader reader, YamlMappingNode spec)
    {
        var fields = new List<InputField>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (map, path) in Items(reader, spec, "inputs", "the typed fields of a case", PolicyLimits.MaxInputs))
        {
            reader.RejectUnknownKeys(map, path, "name", "type", "required", "values", "description");
            var name = reader.RequiredText(map, "name", path, "the field's name, used as input.<name> in conditions");
            if (name is not null && !Identifier().IsMatch(name))
            {
                reader.Error(reader.Child(map, "name")!, $"{path}.name",
                    $"Input name '{name}' must start with a letter or '_' and hold only letters, digits and '_', so conditions can say input.{name}.");
            }
            else if (name is not null && !seen.TryAdd(name, map.Start.Line is var line ? (int)line : 0))
            {
                reader.Error(reader.Child(map, "name")!, $"{path}.name", $"Input '{name}' is declared twice (first at line {seen[name]}).");
            }

            var typeName = reader.RequiredText(map, "type", path, "string, number, boolean, enum or date");
            InputType? type = null;
            if (typeName is not null && !TypeNames.TryGetValue(typeName, out var parsed))
            {
                reader.Error(reader.Child(map, "type")!, $"{path}.type", $"Input type '{typeName}' is unknown: use string, number, boolean, enum or date.");
            }
            else if (typeName is not null)
            {
                type = TypeNames[typeName];
            }

            var required = reader.Boolean(reader.Child(map, "required"), $"{path}.required") ?? false;
            var values = EnumValues(reader, map, path, type);
            if (name is not null && type is { } t)
            {
                fields.Add(new InputField(name, t, required, values, NodeReader.Position(map)));
            }
        }

        return fields;
    }

    public static IReadOnlyList<PolicyRule> Rules(NodeReader reader, YamlMappingNode spec)
    {
        var rules = new List<PolicyRule>();
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (map, path) in Items(reader, spec, "rules", "the ordered rules; the first that matches decides", PolicyLimits.MaxRules))
        {
            reader.RejectUnknownKeys(map, path, "id", "when", "then", "description");
            var id = reader.RequiredText(map, "id", path, "a unique rule id such as fatality-fast-track");
            if (id is not null && !PolicyParser.DnsLabel().IsMatch(id))
            {
                reader.Error(reader.Child(map, "id")!, $"{path}.id", $"Rule id '{id}' must be lowercase letters, digits and '-' (at most 63).");
            }
            else if (id is not null && !seen.TryAdd(id, map.Start.Line))
            {
                reader.Error(reader.Child(map, "id")!, $"{path}.id", $"Duplicate rule id '{id}' (first used at line {seen[id]}); rule ids must be unique.");
            }

            var whenNode = reader.Required(map, "when", path, "a CEL condition over input, e.g. input.injuries > 2");
            var when = reader.Text(whenNode, $"{path}.when");
            var then = reader.Required(map, "then", path, "the outcome fields this rule decides") is { } t ? Outcome(reader, t, $"{path}.then") : null;
            if (id is not null && when is not null && then is not null)
            {
                rules.Add(new PolicyRule(id, when, then, NodeReader.Position(map), NodeReader.Position(whenNode!)));
            }
        }

        return rules;
    }

    public static Outcome? Outcome(NodeReader reader, YamlNode node, string path)
    {
        if (reader.Mapping(node, path) is not { } map)
        {
            return null;
        }

        if (map.Children.Count == 0)
        {
            reader.Error(map, path, $"{path} is empty: an outcome sets at least one field, e.g. route: standard-queue.");
            return null;
        }

        if (map.Children.Count > PolicyLimits.MaxOutcomeFields)
        {
            reader.Error(map, path, $"{path} has {map.Children.Count} fields; the limit is {PolicyLimits.MaxOutcomeFields}.");
        }

        var fields = new Dictionary<string, object>(StringComparer.Ordinal);
        var valid = true;
        foreach (var (key, value) in map.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!Identifier().IsMatch(name))
            {
                reader.Error(key, $"{path}.{name}", $"Outcome field '{name}' must start with a letter or '_' and hold only letters, digits and '_'.");
                valid = false;
            }
            else if (value is not YamlScalarNode scalar || ScalarValues.From(scalar) is not { } scalarValue)
            {
                reader.Error(value, $"{path}.{name}", $"Outcome field '{name}' must be a text, number or boolean value.");
                valid = false;
            }
            else
            {
                fields[name] = scalarValue;
            }
        }

        return valid ? new Outcome(fields) : null;
    }

    public static IReadOnlyList<PolicySample> Samples(NodeReader reader, YamlMappingNode spec)
    {
        var samples = new List<PolicySample>();
        foreach (var (map, path) in Items(reader, spec, "samples", what: null, PolicyLimits.MaxSamples))
        {
            reader.RejectUnknownKeys(map, path, "name", "input", "expect", "expectRule");
            var name = reader.RequiredText(map, "name", path, "what this case illustrates");
            var input = reader.Required(map, "input", path, "the case's fields") is { } inputNode ? SampleInput(reader, inputNode, $"{path}.input") : null;
            var expect = reader.Required(map, "expect", path, "the outcome this case must get") is { } e ? Outcome(reader, e, $"{path}.expect") : null;
            var expectRule = reader.OptionalText(map, "expectRule", path);
            if (name is not null && input is not null && expect is not null)
            {
                samples.Add(new PolicySample(name, input, expect, expectRule, NodeReader.Position(map)));
            }
        }

        return samples;
    }

    /// <summary>
    /// The mappings of the list <c>spec.&lt;key&gt;</c>, each with its path; reports a missing list (when
    /// <paramref name="what"/> says it is required), a list over <paramref name="limit"/>, and items that are not mappings.
    /// </summary>
    private static IEnumerable<(YamlMappingNode Map, string Path)> Items(NodeReader reader, YamlMappingNode spec, string key, string? what, int limit)
    {
        var node = what is null ? reader.Child(spec, key) : reader.Required(spec, key, "spec", what);
        if (node is null || reader.Sequence(node, $"spec.{key}") is not { } list)
        {
            yield break;
        }

        if (list.Children.Count > limit)
        {
            reader.Error(list, $"spec.{key}", $"spec.{key} has {list.Children.Count} items; the limit is {limit}.");
        }

        for (var i = 0; i < list.Children.Count; i++)
        {
            if (reader.Mapping(list.Children[i], $"spec.{key}[{i}]") is { } map)
            {
                yield return (map, $"spec.{key}[{i}]");
            }
        }
    }

    private static Dictionary<string, object?>? SampleInput(NodeReader reader, YamlNode node, string path)
    {
        if (reader.Mapping(node, path) is not { } map)
        {
            return null;
        }

        var input = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (value is YamlScalarNode scalar)
            {
                input[name] = ScalarValues.From(scalar);
            }
            else
            {
                reader.Error(value, $"{path}.{name}", $"Sample field '{name}' must be a text, number, boolean or date value.");
            }
        }

        return input;
    }

    private static IReadOnlyList<string> EnumValues(NodeReader reader, YamlMappingNode map, string path, InputType? type)
    {
        var node = reader.Child(map, "values");
        if (type != InputType.Enum)
        {
            if (node is not null)
            {
                reader.Error(node, $"{path}.values", "Only enum inputs list values; remove 'values' or make the type enum.");
            }

            return [];
        }

        if (node is null || reader.Sequence(node, $"{path}.values") is not { } list || list.Children.Count == 0)
        {
            reader.Error(node ?? map, $"{path}.values", "An enum input lists its allowed values: values: [minor, serious, critical].");
            return [];
        }

        var values = new List<string>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            if (reader.Text(list.Children[i], $"{path}.values[{i}]") is { } value)
            {
                values.Add(value);
            }
        }

        return values;
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.NonBacktracking)]
    private static partial Regex Identifier();
}
