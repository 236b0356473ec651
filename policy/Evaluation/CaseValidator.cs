using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bpdp.Policy.Model;

namespace Bpdp.Policy.Evaluation;

/// <summary>
/// Checks a case against the declared inputs and converts it to the values conditions see: text,
/// whole numbers as <c>int</c> (64-bit), decimals as <c>double</c>, booleans, and dates as CEL timestamps
/// (midnight UTC). Every problem is reported; unknown fields are refused, optional ones may be absent.
/// </summary>
public sealed class CaseValidator(IReadOnlyList<InputField> inputs)
{
    private readonly Dictionary<string, InputField> byName = inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);

    /// <summary>Validates a JSON case (the executor's request body).</summary>
    public (Dictionary<string, object?>? Values, IReadOnlyList<CaseError> Errors) ValidateJson(JsonNode? json)
    {
        if (json is not JsonObject obj)
        {
            return (null, [new CaseError("$", "A case is a JSON object of input fields, e.g. {\"injuries\": 2, \"severity\": \"serious\"}.")]);
        }

        var raw = new Dictionary<string, object?>(StringComparer.Ordinal);
        var errors = new List<CaseError>();
        var misshapen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in obj)
        {
            switch (value)
            {
                case null:
                    raw[name] = null;
                    break;
                case JsonValue scalar when scalar.GetValueKind() is JsonValueKind.String:
                    raw[name] = scalar.GetValue<string>();
                    break;
                case JsonValue scalar when scalar.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                    raw[name] = scalar.GetValue<bool>();
                    break;
                case JsonValue scalar when scalar.GetValueKind() is JsonValueKind.Number:
                    // Whole numbers stay integers, so integer arithmetic in conditions behaves as CEL defines it.
                    var number = scalar.ToJsonString();
                    raw[name] = long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
                        ? (object)whole
                        : double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);
                    break;
                default:
                    misshapen.Add(name);
                    errors.Add(new CaseError(name, $"must be a text, number or boolean value, got a JSON {value.GetValueKind().ToString().ToLowerInvariant()}."));
                    break;
            }
        }

        var values = Check(raw, misshapen, errors);
        return (errors.Count == 0 ? values : null, errors);
    }

    /// <summary>Validates a case given as plain values (a sample from the policy file).</summary>
    public (Dictionary<string, object?>? Values, IReadOnlyList<CaseError> Errors) Validate(IReadOnlyDictionary<string, object?> raw)
    {
        var errors = new List<CaseError>();
        var values = Check(raw, new HashSet<string>(), errors);
        return (errors.Count == 0 ? values : null, errors);
    }

    /// <summary>Types each field; <paramref name="alreadyReported"/> fields had a shape error and are not also called missing.</summary>
    private Dictionary<string, object?> Check(IReadOnlyDictionary<string, object?> raw, IReadOnlySet<string> alreadyReported, List<CaseError> errors)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in raw)
        {
            if (!byName.TryGetValue(name, out var field))
            {
                errors.Add(new CaseError(name, $"is not an input of this policy (inputs: {string.Join(", ", byName.Keys)})."));
            }
            else if (value is not null)
            {
                if (Convert(field, value) is { } converted)
                {
                    values[name] = converted;
                }
                else
                {
                    errors.Add(new CaseError(name, Expected(field, value)));
                }
            }
        }

        foreach (var field in byName.Values.Where(f => f.Required && !alreadyReported.Contains(f.Name) && (!raw.TryGetValue(f.Name, out var v) || v is null)))
        {
            errors.Add(new CaseError(field.Name, $"is required ({Describe(field)})."));
        }

        return values;
    }

    private static object? Convert(InputField field, object value) => (field.Type, value) switch
    {
        (InputType.String, string text) => text,
        (InputType.Number, long whole) => whole,
        (InputType.Number, double real) when double.IsFinite(real) => real,
        (InputType.Boolean, bool flag) => flag,
        (InputType.Enum, string text) when field.Values.Contains(text, StringComparer.Ordinal) => text,
        (InputType.Date, string text) when DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) =>
            new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
        _ => null,
    };

    private static string Expected(InputField field, object value) =>
        $"must be {Describe(field)}, got {(value is string text ? JsonValue.Create(text).ToJsonString() : System.Convert.ToString(value, CultureInfo.InvariantCulture))}.";

    private static string Describe(InputField field) => field.Type switch
    {
        InputType.Number => "a number",
        InputType.Boolean => "true or false",
        InputType.Enum => $"one of {string.Join(", ", field.Values)}",
        InputType.Date => "a date like 2026-11-27",
        _ => "text",
    };
}
