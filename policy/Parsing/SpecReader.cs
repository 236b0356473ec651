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
        if (reader.Required(spec, "inputs", "spec", "the typed fields of a case") is not { } node || reader.Sequence(node, "spec.inputs") is not { } list)
        {
            return fields;
        }

        if (list.Children.Count > PolicyLimits.MaxInputs)
        {
            reader.Error(list, "spec.inputs", $"spec.inputs has {list.Children.Count} fields; the limit is {PolicyLimits.MaxInputs}.");
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var path = $"spec.inputs[{i}]";
            if (reader.Mapping(list.Children[i], path) is not { } map)
            {
                continue;
            }

            reader.RejectUnknownKeys(map, path, "name", "type", "required", "values", "description");
            var name = reader.RequiredText(map, "name", path, "the field's name, used as input.<name> in conditions");
            if (name is not null && !Identifier().IsMatch(name))
            {
                reader.Error(reader.Child(map, "name")!, $"{path}.name", $"Input name '{name}' must start with a letter or '_' and hold only letters, digits and '_', so conditions can say input.{name}.");
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
        if (reader.Required(spec, "rules", "spec", "the ordered rules; the first that matches decides") is not { } node || reader.Sequence(node, "spec.rules") is not { } list)
        {
            return rules;
        }

        if (list.Children.Count > PolicyLimits.MaxRules)
        {
            reader.Error(list, "spec.rules", $"spec.rules has {list.Children.Count} rules; the limit is {PolicyLimits.MaxRules}.");
        }

        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var path = $"spec.rules[{i}]";
            if (reader.Mapping(list.Children[i], path) is not { } map)
            {
                continue;
            }

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
        if (reader.Child(spec, "samples") is not { } node || reader.Sequence(node, "spec.samples") is not { } list)
        {
            return samples;
        }

        if (list.Children.Count > PolicyLimits.MaxSamples)
        {
            reader.Error(list, "spec.samples", $"spec.samples has {list.Children.Count} samples; the limit is {PolicyLimits.MaxSamples}.");
        }

        for (var i = 0; i < list.Children.Count; i++)
        {
            var path = $"spec.samples[{i}]";
            if (reader.Mapping(list.Children[i], path) is not { } map)
            {
                continue;
            }

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

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
