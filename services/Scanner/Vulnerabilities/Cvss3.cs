using System.Globalization;

namespace Bpdp.Scanner.Vulnerabilities;

/// <summary>The CVSS v3.x base score of a vector such as <c>CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H</c> (FIRST's specification, section 7).</summary>
public static class Cvss3
{
    public static double? BaseScore(string vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        var metrics = vector.Split('/').Skip(1).Select(m => m.Split(':')).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!vector.StartsWith("CVSS:3", StringComparison.Ordinal) || new[] { "AV", "AC", "PR", "UI", "S", "C", "I", "A" }.Any(k => !metrics.ContainsKey(k)))
        {
            return null;
        }

        var changed = metrics["S"] == "C";
        var av = metrics["AV"] switch { "N" => 0.85, "A" => 0.62, "L" => 0.55, _ => 0.2 };
        var ac = metrics["AC"] == "L" ? 0.77 : 0.44;
        var pr = metrics["PR"] switch { "N" => 0.85, "L" => changed ? 0.68 : 0.62, _ => changed ? 0.5 : 0.27 };
        var ui = metrics["UI"] == "N" ? 0.85 : 0.62;
        double Impact(string key) => metrics[key] switch { "H" => 0.56, "L" => 0.22, _ => 0 };
        var iss = 1 - ((1 - Impact("C")) * (1 - Impact("I")) * (1 - Impact("A")));
        var impact = changed ? (7.52 * (iss - 0.029)) - (3.25 * Math.Pow(iss - 0.02, 15)) : 6.42 * iss;
        if (impact <= 0)
        {
            return 0;
        }

        var exploitability = 8.22 * av * ac * pr * ui;
        return RoundUp(Math.Min(changed ? 1.08 * (impact + exploitability) : impact + exploitability, 10));
    }

    private static double RoundUp(double value)
    {
        var scaled = (int)Math.Round(value * 100000);
        return scaled % 10000 == 0 ? scaled / 100000.0 : (Math.Floor(scaled / 10000.0) + 1) / 10.0;
    }
}
