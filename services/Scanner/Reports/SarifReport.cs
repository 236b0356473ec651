using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.Scanner.Secrets;

namespace Bpdp.Scanner.Reports;

/// <summary>SARIF 2.1.0, for code-scanning tools: one result per finding, blocking findings as errors.</summary>
public static class SarifReport
{
    public static JsonObject From(ScanReport report, string image, SecretRuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(rules);
        var descriptions = rules.Rules.ToDictionary(r => r.Id, r => r.Description, StringComparer.Ordinal);
        var ruleIds = report.Findings.Select(f => f.Finding.RuleId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var results = new JsonArray();
        foreach (var gated in report.Findings)
        {
            var finding = gated.Finding;
            var result = new JsonObject
            {
                ["ruleId"] = finding.RuleId,
                ["ruleIndex"] = ruleIds.IndexOf(finding.RuleId),
                ["level"] = gated.Blocking ? "error" : finding.Severity >= Severity.Medium ? "warning" : "note",
                ["message"] = new JsonObject { ["text"] = finding.Excerpt is null ? finding.Message : $"{finding.Message} `{finding.Excerpt}`" },
            };
            if (finding.Path is { } path)
            {
                var location = new JsonObject { ["artifactLocation"] = new JsonObject { ["uri"] = path } };
                if (finding.Line is { } line)
                {
                    location["region"] = new JsonObject { ["startLine"] = line };
                }

                result["locations"] = new JsonArray(new JsonObject { ["physicalLocation"] = location });
            }

            if (gated.IgnoredBy is { } ignored)
            {
                result["suppressions"] = new JsonArray(new JsonObject { ["kind"] = "external", ["justification"] = ignored.Reason });
            }

            results.Add(result);
        }

        return new JsonObject
        {
            ["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json",
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject
                    {
                        ["name"] = "bpdp-scanner",
                        ["rules"] = new JsonArray([.. ruleIds.Select(id => (JsonNode)new JsonObject
                        {
                            ["id"] = id,
                            ["shortDescription"] = new JsonObject { ["text"] = descriptions.GetValueOrDefault(id, id) },
                        })]),
                    },
                },
                ["properties"] = new JsonObject { ["image"] = image, ["passed"] = report.Passed },
                ["results"] = results,
            }),
        };
    }
}
