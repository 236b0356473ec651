using System.Text.Json;
using Bpdp.Contracts;
using NuGet.Versioning;

namespace Bpdp.Scanner.Vulnerabilities;

/// <summary>
/// An offline OSV database: a directory of OSV JSON files (as osv.dev exports them, e.g. the NuGet
/// ecosystem's <c>all.zip</c> unpacked), read once. Only the <c>NuGet</c> ecosystem and SEMVER/ECOSYSTEM
/// ranges are used; a file that is not OSV JSON stops loading with its path.
/// </summary>
public sealed class OsvDatabase
{
    private readonly Dictionary<string, List<(OsvAdvisory Advisory, OsvAffected Affected)>> byPackage;

    private OsvDatabase(Dictionary<string, List<(OsvAdvisory, OsvAffected)>> byPackage, int count)
    {
        this.byPackage = byPackage;
        Count = count;
    }

    public int Count { get; }

    public static OsvDatabase Empty { get; } = new([], 0);

    public static OsvDatabase Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new InvalidOperationException($"Scanner:OsvDatabase names '{directory}', which is not a directory of OSV JSON files.");
        }

        var byPackage = new Dictionary<string, List<(OsvAdvisory, OsvAffected)>>(StringComparer.OrdinalIgnoreCase);
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            OsvAdvisory advisory;
            try
            {
                advisory = Parse(File.ReadAllBytes(file));
            }
            catch (Exception error) when (error is JsonException or FormatException or ArgumentException or KeyNotFoundException or InvalidOperationException)
            {
                throw new InvalidOperationException($"{file}: not an OSV advisory: {error.Message}", error);
            }

            count++;
            foreach (var affected in advisory.Affected)
            {
                if (!byPackage.TryGetValue(affected.Package, out var list))
                {
                    byPackage[affected.Package] = list = [];
                }

                list.Add((advisory, affected));
            }
        }

        return new OsvDatabase(byPackage, count);
    }

    /// <summary>An advisory's aliases (CVE ids), so ignore entries may name either.</summary>
    public IReadOnlyList<string> AliasesOf(string id) =>
        byPackage.Values.SelectMany(l => l).Select(c => c.Advisory).FirstOrDefault(a => a.Id == id)?.Aliases ?? [];

    /// <summary>The advisories affecting this version of this package.</summary>
    public IEnumerable<OsvAdvisory> Affecting(string package, string version)
    {
        if (!byPackage.TryGetValue(package, out var candidates) || !NuGetVersion.TryParse(version, out var parsed))
        {
            return [];
        }

        return candidates.Where(c => c.Affected.Includes(parsed)).Select(c => c.Advisory).DistinctBy(a => a.Id);
    }

    private static OsvAdvisory Parse(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var id = root.GetProperty("id").GetString()!;
        var aliases = root.TryGetProperty("aliases", out var a) ? a.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
        var summary = root.TryGetProperty("summary", out var s) ? s.GetString() ?? "" : root.TryGetProperty("details", out var d) ? FirstLine(d.GetString()) : "";
        var affected = new List<OsvAffected>();
        foreach (var entry in Items(root, "affected"))
        {
            var package = entry.GetProperty("package");
            if (!string.Equals(package.GetProperty("ecosystem").GetString(), "NuGet", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var versions = entry.TryGetProperty("versions", out var v) ? v.EnumerateArray().Select(x => NuGetVersion.Parse(x.GetString()!)).ToList() : [];
            var ranges = new List<IReadOnlyList<OsvEvent>>();
            foreach (var range in Items(entry, "ranges"))
            {
                if (range.GetProperty("type").GetString() is not ("SEMVER" or "ECOSYSTEM"))
                {
                    continue;
                }

                ranges.Add([.. range.GetProperty("events").EnumerateArray().Select(Event).OrderBy(e => e.Version is not null).ThenBy(e => e.Version!, VersionComparer.Default)]);
            }

            affected.Add(new OsvAffected(package.GetProperty("name").GetString()!, versions, ranges));
        }

        return new OsvAdvisory(id, aliases, summary, SeverityOf(root), affected);
    }

    private static OsvEvent Event(JsonElement element)
    {
        var property = element.EnumerateObject().First();
        var kind = property.Name switch
        {
            "introduced" => OsvEventKind.Introduced,
            "fixed" => OsvEventKind.Fixed,
            "last_affected" => OsvEventKind.LastAffected,
            _ => throw new FormatException($"unknown range event '{property.Name}'"),
        };
        var text = property.Value.GetString()!;
        return new OsvEvent(kind, text == "0" ? null : NuGetVersion.Parse(text));
    }

    /// <summary>GitHub-style <c>database_specific.severity</c>, else the CVSS v3 base score, else Medium.</summary>
    private static Severity SeverityOf(JsonElement root)
    {
        if (root.TryGetProperty("database_specific", out var specific) && specific.TryGetProperty("severity", out var named))
        {
            switch (named.GetString()?.ToUpperInvariant())
            {
                case "CRITICAL": return Severity.Critical;
                case "HIGH": return Severity.High;
                case "MODERATE" or "MEDIUM": return Severity.Medium;
                case "LOW": return Severity.Low;
            }
        }

        foreach (var score in Items(root, "severity"))
        {
            if (score.GetProperty("type").GetString() is "CVSS_V3" && Cvss3.BaseScore(score.GetProperty("score").GetString()!) is { } value)
            {
                return value >= 9.0 ? Severity.Critical : value >= 7.0 ? Severity.High : value >= 4.0 ? Severity.Medium : Severity.Low;
            }
        }

        return Severity.Medium;
    }

    private static IEnumerable<JsonElement> Items(JsonElement element, string name) =>
        element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];

    private static string FirstLine(string? text) => (text ?? "").Split('\n', 2)[0].Trim();
}
