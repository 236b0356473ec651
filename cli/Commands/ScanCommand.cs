using System.CommandLine;
using System.Text.Json;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Images.Registry;
using Bpdp.Scanner;
using Bpdp.Scanner.Gate;
using Bpdp.Scanner.Reports;
using Bpdp.Scanner.Secrets;
using Bpdp.Scanner.Vulnerabilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.Cli.Commands;

/// <summary><c>bpdp scan</c>: the Scanner's scan of an image in an OCI layout or a registry, without the bus; exit 1 when the gate blocks.</summary>
internal static class ScanCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image")
        {
            Description = "An OCI layout directory (DIR or DIR:ref, default ref: the only or latest) or a registry reference (host[:port]/repository:tag or @sha256:…).",
        };
        var output = new Option<string>("--output", "-o") { Description = "table, json or sarif.", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json", "sarif");
        var osv = new Option<DirectoryInfo?>("--osv-db") { Description = "A directory of OSV JSON advisories (offline vulnerability matching)." };
        var ignore = new Option<FileInfo?>("--ignore") { Description = "The ignore file: id, reason and expires per entry (docs/scanner.md)." };
        var rules = new Option<FileInfo[]>("--rules") { Description = "Extra secret rule files, after the built-in rules.", AllowMultipleArgumentsPerToken = true };
        var disable = new Option<string[]>("--disable") { Description = "Secret rule ids to turn off.", AllowMultipleArgumentsPerToken = true };
        var secretsAt = new Option<Severity>("--block-secrets-at") { Description = "The lowest severity of a secret that blocks.", DefaultValueFactory = _ => Severity.High };
        var vulnerabilitiesAt = new Option<Severity>("--block-vulnerabilities-at") { Description = "The lowest severity of a vulnerability that blocks.", DefaultValueFactory = _ => Severity.High };
        var plainHttp = new Option<bool>("--plain-http") { Description = "Talk to the registry over HTTP rather than HTTPS (a local registry)." };
        var command = new Command("scan", "Scan an image for secrets, policy lint errors and known-vulnerable packages; exit 1 when the gate blocks.")
        {
            image, output, osv, ignore, rules, disable, secretsAt, vulnerabilitiesAt, plainHttp,
        };
        command.SetAction(async (result, cancel) =>
        {
            var stdout = result.InvocationConfiguration.Output;
            var stderr = result.InvocationConfiguration.Error;
            var target = result.GetRequiredValue(image);
            try
            {
                var ruleSet = SecretRuleSet.Load((result.GetValue(rules) ?? []).Select(f => f.FullName), result.GetValue(disable) ?? []);
                var database = result.GetValue(osv) is { } directory ? OsvDatabase.Load(directory.FullName) : OsvDatabase.Empty;
                var gate = new ScanGate(result.GetValue(secretsAt), result.GetValue(vulnerabilitiesAt), IgnoreFile.Load(result.GetValue(ignore)?.FullName), DateOnly.FromDateTime(DateTime.UtcNow));
                var (pulled, name) = await Pull(target, result.GetValue(plainHttp), cancel);
                var report = new ImageScanner(ruleSet, database, gate, 64L * 1024 * 1024).Scan(pulled, name);
                switch (result.GetValue(output))
                {
                    case "json":
                        await stdout.WriteLineAsync(JsonReport.From(report, name).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                        break;
                    case "sarif":
                        await stdout.WriteLineAsync(SarifReport.From(report, name, ruleSet).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                        break;
                    default:
                        await WriteTable(stdout, report);
                        break;
                }

                var blocking = report.Findings.Count(f => f.Blocking);
                await stderr.WriteLineAsync(
                    $"{name}: {report.FilesScanned} files, {report.Packages} packages, {report.Findings.Count} findings, {blocking} blocking: {(report.Passed ? "passed" : "BLOCKED")}");
                return report.Passed ? 0 : 1;
            }
            catch (Exception error) when (error is InvalidOperationException or ImageNotFoundException or RegistryException or HttpRequestException or IOException
                or InvalidDataException or ArgumentException)
            {
                await stderr.WriteLineAsync($"bpdp scan: {error.Message}");
                return 2;
            }
        });
        return command;
    }

    private static async Task<(OciImage Image, string Name)> Pull(string target, bool plainHttp, CancellationToken cancel)
    {
        var (directory, reference) = LayoutReference.Parse(target);
        if (Directory.Exists(directory))
        {
            var layout = new OciLayout(directory);
            if (reference == LayoutReference.DefaultRef && await layout.Resolve(reference, cancel) is null)
            {
                reference = await layout.OnlyName(cancel) ?? reference;
            }

            return (await layout.Pull(reference, cancel), $"oci:{directory}:{reference}");
        }

        if (!RegistryReference.TryParse(target, out var parsed))
        {
            throw new ArgumentException($"'{target}' is neither an OCI layout directory nor a registry reference (host[:port]/repository:tag or @sha256:…).");
        }

        var (host, repository, tagOrDigest) = parsed;
        var store = ImageStoreRegistration.CreateRegistryStore(new RegistryOptions { Url = new Uri($"{(plainHttp ? "http" : "https")}://{host}") }, NullLogger<RegistryImageStore>.Instance);
        return (await store.PullImage(repository, tagOrDigest, cancel), target);
    }

    private static async Task WriteTable(TextWriter stdout, ScanReport report)
    {
        if (report.Findings.Count == 0)
        {
            await stdout.WriteLineAsync("no findings");
            return;
        }

        await stdout.WriteLineAsync($"{"SEVERITY",-9} {"BLOCKS",-7} {"RULE",-30} {"WHERE",-40} WHAT");
        foreach (var gated in report.Findings.OrderByDescending(f => f.Blocking).ThenByDescending(f => f.Finding.Severity))
        {
            var finding = gated.Finding;
            var where = finding.Path is null ? "" : $"/{finding.Path}{(finding.Line is { } line ? $":{line}" : "")}";
            var blocks = gated.Blocking ? "yes" : gated.IgnoredBy is not null ? "ignored" : "no";
            await stdout.WriteLineAsync($"{finding.Severity,-9} {blocks,-7} {finding.RuleId,-30} {where,-40} {finding.Excerpt ?? finding.Message}");
        }
    }
}
