using System.Text.Json.Nodes;

namespace Bpdp.Scanner.Reports;

/// <summary>The scan as one JSON object for scripts: the verdict, what was looked at, and every finding with its verdict.</summary>
public static class JsonReport
{
    public static JsonObject From(ScanReport report, string image)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new JsonObject
        {
            ["image"] = image,
            ["passed"] = report.Passed,
            ["filesScanned"] = report.FilesScanned,
            ["bytesScanned"] = report.BytesScanned,
            ["packages"] = report.Packages,
            ["findings"] = new JsonArray([.. report.Findings.Select(f => (JsonNode)new JsonObject
            {
                ["ruleId"] = f.Finding.RuleId,
                ["category"] = f.Finding.Category,
                ["severity"] = f.Finding.Severity.ToString(),
                ["blocking"] = f.Blocking,
                ["ignoredUntil"] = f.IgnoredBy?.Expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["message"] = f.Finding.Message,
                ["layerDigest"] = f.Finding.LayerDigest,
                ["path"] = f.Finding.Path,
                ["line"] = f.Finding.Line,
                ["excerpt"] = f.Finding.Excerpt,
            })]),
        };
    }
}
