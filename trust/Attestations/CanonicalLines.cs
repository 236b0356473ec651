using System.Text;

namespace Bpdp.Trust.Attestations;

/// <summary>
/// Reads a BPDP canonical form (<c>contracts/README.md</c>) back into its fields, strictly: valid UTF-8, the header
/// line, then exactly the named fields in their order, each <c>name=value</c> ending in one <c>\n</c>, the last one
/// included, and no carriage return. Anything else is not a canonical form, whatever a signature over it says.
/// </summary>
public static class CanonicalLines
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The fields by name; null, with <paramref name="problem"/> saying why, when <paramref name="bytes"/> is not the form.</summary>
    public static IReadOnlyDictionary<string, string>? Parse(byte[] bytes, string header, IReadOnlyList<string> names, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(names);
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            problem = "it is not UTF-8";
            return null;
        }

        if (text.Contains('\r', StringComparison.Ordinal) || !text.EndsWith('\n'))
        {
            problem = "its lines must each end in a single \\n, the last one included";
            return null;
        }

        var lines = text[..^1].Split('\n');
        if (lines[0] != header)
        {
            problem = $"its first line is '{lines[0]}', not '{header}'";
            return null;
        }

        if (lines.Length != names.Count + 1)
        {
            problem = $"it has {lines.Length - 1} fields, not the {names.Count} of {header}";
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            var line = lines[i + 1];
            if (!line.StartsWith(names[i] + "=", StringComparison.Ordinal))
            {
                problem = $"its field {i + 1} is not {names[i]}=…";
                return null;
            }

            fields[names[i]] = line[(names[i].Length + 1)..];
        }

        problem = null;
        return fields;
    }
}
