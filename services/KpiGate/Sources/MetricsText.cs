using System.Globalization;
using System.Text;

namespace Bpdp.KpiGate.Sources;

/// <summary>A sample of the Prometheus text exposition format: metric name, labels and value.</summary>
public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Parses the Prometheus text exposition format (version 0.0.4): comments skipped, labels unescaped.</summary>
public static class MetricsText
{
    public static IReadOnlyList<MetricSample> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<MetricSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var nameEnd = line.IndexOfAny(['{', ' ']);
            if (nameEnd <= 0)
            {
                throw new FormatException($"not a sample line: {line}");
            }

            var name = line[..nameEnd];
            var rest = nameEnd;
            if (line[nameEnd] == '{')
            {
                rest = ParseLabels(line, nameEnd + 1, labels);
            }

            var fields = line[rest..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            samples.Add(new MetricSample(name, labels, ParseValue(fields[0])));
        }

        return samples;
    }

    private static int ParseLabels(string line, int at, Dictionary<string, string> labels)
    {
        while (at < line.Length && line[at] != '}')
        {
            var equals = line.IndexOf('=', at);
            var key = line[at..equals].Trim().TrimStart(',').Trim();
            var value = new StringBuilder();
            var i = equals + 2;
            for (; line[i] != '"'; i++)
            {
                if (line[i] == '\\')
                {
                    i++;
                    value.Append(line[i] == 'n' ? '\n' : line[i]);
                }
                else
                {
                    value.Append(line[i]);
                }
            }

            labels[key] = value.ToString();
            at = i + 1;
            if (at < line.Length && line[at] == ',')
            {
                at++;
            }
        }

        return at + 1;
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
