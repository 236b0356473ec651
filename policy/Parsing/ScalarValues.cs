using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bpdp.Policy.Parsing;

/// <summary>Turns YAML scalars into the values outcomes and cases hold: text, whole numbers (long), decimals (double) or booleans.</summary>
internal static partial class ScalarValues
{
    /// <summary>A plain scalar's YAML 1.2 core-schema value; quoted scalars are always text.</summary>
    public static object? From(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return text;
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ when Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) => whole,
            _ when Decimal().IsMatch(text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => text,
        };
    }

    [GeneratedRegex(@"^[-+]?[0-9]+\z", RegexOptions.NonBacktracking)]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\z", RegexOptions.NonBacktracking)]
    private static partial Regex Decimal();
}
