using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Builder.Oci;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Policy;
using Bpdp.Scanner;
using Bpdp.Scanner.Gate;
using Bpdp.Scanner.Layers;
using Bpdp.Scanner.Secrets;
using Bpdp.Scanner.Vulnerabilities;
using Bpdp.Testing;
using Bpdp.UnitTests.Policy;

namespace Bpdp.UnitTests.Scanner;

/// <summary>Golden scans of whole images: planted secrets block with their rule ids, a clean image passes, the OSV fixture and the ignore file decide vulnerabilities.</summary>
public sealed class ImageScannerTests
{
    private static readonly DateOnly Today = new(2026, 11, 27);
    private static readonly OsvDatabase Osv = OsvDatabase.Load(Path.Combine(RepositoryRoot.Path, "tests", "fixtures", "osv"));

    private static OciImage PolicyImage(string yamlDotNetVersion = "18.2.0", string policyVersion = "1.1.0")
    {
        var deps = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["libraries"] = new JsonObject
            {
                ["bpdp-executor/1.0.0"] = new JsonObject { ["type"] = "project" },
                ["runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/10.0.12"] = new JsonObject { ["type"] = "runtimepack" },
                [$"YamlDotNet/{yamlDotNetVersion}"] = new JsonObject { ["type"] = "package" },
                ["prometheus-net/8.2.1"] = new JsonObject { ["type"] = "package" },
            },
        }.ToJsonString());
        var yaml = PolicyExamples.HazFast(policyVersion);
        return new PolicyImageBuilder().Build(PolicyValidator.Validate(yaml).Policy!, yaml, new ExecutorArtifact([1, 2, 3, 0, 4], deps), new DateTimeOffset(2026, 11, 27, 9, 15, 0, TimeSpan.Zero));
    }

    private static OciImage WithLayer(OciImage image, params (string Path, string Content)[] files)
    {
        var (layer, _) = ReproducibleLayer.Build(files.Select(f => new LayerFile(f.Path, Encoding.UTF8.GetBytes(f.Content), UnixFileMode.UserRead)));
        return image with { Layers = [.. image.Layers, layer] };
    }

    private static ScanReport Scan(OciImage image, IReadOnlyList<IgnoreEntry>? ignores = null, DateOnly? today = null) =>
        new ImageScanner(SecretRuleSet.BuiltIn(), Osv, new ScanGate(Severity.High, Severity.High, ignores ?? [], today ?? Today), 64 * 1024 * 1024)
            .Scan(image, "quarantine/osha/haz-fast");

    [Fact]
    public void An_image_with_every_kind_of_planted_secret_is_blocked_with_each_rule_id_and_no_secret_in_the_report()
    {
        var planted = PlantedSecrets.ByRule.ToList();
        var image = WithLayer(PolicyImage(), [.. planted.Select(p => (p.Value.Path, $"# configuration\n{p.Value.Line}\n"))]);

        var report = Scan(image);

        Assert.False(report.Passed);
        foreach (var (rule, (path, _, _)) in planted)
        {
            Assert.Contains(report.Findings, f => f.Finding.RuleId == rule && f.Finding.Path == path && f.Finding.Line == 2 && f.Blocking && f.Finding.LayerDigest == image.Layers[^1].Digest);
        }

        var everything = JsonReportText(report);
        Assert.All(planted, p => Assert.DoesNotContain(p.Value.Secret, everything, StringComparison.Ordinal));
    }

    [Fact]
    public void A_clean_image_passes_with_its_sbom()
    {
        var image = PolicyImage();

        var report = Scan(image);

        Assert.True(report.Passed, string.Join("; ", report.Findings.Select(f => f.Finding.Message)));
        var sbom = JsonNode.Parse(report.Sbom)!;
        Assert.Equal("1.5", sbom["specVersion"]!.GetValue<string>());
        var components = sbom["components"]!.AsArray();
        Assert.Contains(components, c => c!["purl"]?.GetValue<string>() == "pkg:nuget/YamlDotNet@18.2.0");
        Assert.Contains(components, c => c!["purl"]?.GetValue<string>() == "pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@10.0.12");
        Assert.Contains(components, c => c!["name"]?.GetValue<string>() == "/policy/policy.yaml" && c["hashes"]![0]!["content"]!.GetValue<string>().Length == 64);
        Assert.Equal(report.Sbom, Scan(image).Sbom);
    }

    [Fact]
    public void A_known_vulnerable_dependency_blocks_and_a_low_one_does_not()
    {
        var report = Scan(PolicyImage(yamlDotNetVersion: "18.1.0"));

        Assert.False(report.Passed);
        Assert.True(report.Findings.Single(f => f.Finding.RuleId == "BPDP-TEST-2026-0001").Blocking);
        Assert.False(report.Findings.Single(f => f.Finding.RuleId == "BPDP-TEST-2026-0003").Blocking);
    }

    [Fact]
    public void An_ignore_entry_lets_the_vulnerability_pass_until_its_expiry_and_then_it_blocks_again()
    {
        var image = PolicyImage(yamlDotNetVersion: "18.1.0");
        IgnoreEntry[] ignores = [new("CVE-2099-0001", null, "Anchors are disabled in the executor's parser settings.", new DateOnly(2026, 12, 31))];

        var before = Scan(image, ignores, new DateOnly(2026, 12, 31));
        var after = Scan(image, ignores, new DateOnly(2027, 1, 1));

        Assert.True(before.Passed);
        Assert.Contains("Ignored until 2026-12-31", before.Findings.Single(f => f.Finding.RuleId == "BPDP-TEST-2026-0001").Finding.Message, StringComparison.Ordinal);
        Assert.False(after.Passed);
        Assert.Contains("expired on 2026-12-31", after.Findings.Single(f => f.Finding.RuleId == "BPDP-TEST-2026-0001").Finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_layer_that_does_not_validate_always_blocks_even_when_ignored()
    {
        var image = WithLayer(PolicyImage(), ("policy/policy.yaml", PolicyExamples.HazFast("1.1.0").Replace("type: number", "type: decimal", StringComparison.Ordinal)));

        var report = Scan(image, [new IgnoreEntry("policy-lint", null, "trying to sneak it through", new DateOnly(2030, 1, 1))]);

        Assert.False(report.Passed);
        Assert.All(report.Findings.Where(f => f.Finding.RuleId == "policy-lint"), f => Assert.True(f.Blocking));
        Assert.Contains(report.Findings, f => f.Finding.RuleId == "policy-lint" && f.Finding.Line > 0);
    }

    [Fact]
    public void An_ignore_file_without_a_reason_or_expiry_is_refused()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "- id: CVE-2099-0001\n  expires: 2027-01-01\n");

        var error = Assert.Throws<InvalidOperationException>(() => IgnoreFile.Load(file));

        Assert.Contains("has no reason", error.Message, StringComparison.Ordinal);
        File.Delete(file);
    }

    private static string JsonReportText(ScanReport report) => Bpdp.Scanner.Reports.JsonReport.From(report, "image").ToJsonString();

    [Fact]
    public void A_layer_shared_by_the_next_version_is_scanned_once_and_the_reports_are_what_a_fresh_scan_gives()
    {
        var cache = new LayerScans();
        var scanner = new ImageScanner(SecretRuleSet.BuiltIn(), Osv, new ScanGate(Severity.High, Severity.High, [], Today), 64 * 1024 * 1024, cache);
        var (path, line, _) = PlantedSecrets.ByRule["github-pat"];
        var first = WithLayer(PolicyImage(), (path, $"{line}\n"));
        var second = WithLayer(PolicyImage(), ("etc/second.conf", "harmless = true\n"));

        var firstReport = scanner.Scan(first, "quarantine/osha/haz-fast");
        var secondReport = scanner.Scan(second, "quarantine/osha/haz-fast");

        Assert.Equal(first.Layers.Concat(second.Layers).Select(l => l.Digest).Distinct().Count(), cache.Count);
        Assert.Equal(Scan(first).Sbom, firstReport.Sbom);
        Assert.Equal(Scan(second).Sbom, secondReport.Sbom);
        Assert.False(firstReport.Passed);
        Assert.True(secondReport.Passed, string.Join("; ", secondReport.Findings.Select(f => f.Finding.Message)));
    }

    [Fact]
    public async Task Layers_scanned_before_are_not_read_at_all_and_the_report_is_what_a_full_read_gives()
    {
        var scanner = new ImageScanner(SecretRuleSet.BuiltIn(), Osv, new ScanGate(Severity.High, Severity.High, [], Today), 64 * 1024 * 1024, new LayerScans());
        var first = PolicyImage(policyVersion: "1.0.0");
        var second = PolicyImage(policyVersion: "1.1.0");
        var pulled = new List<string>();

        var firstReport = await ScanByDescriptors(scanner, first, pulled);
        var firstPulls = pulled.Count;
        pulled.Clear();
        var secondReport = await ScanByDescriptors(scanner, second, pulled);

        Assert.Equal(first.Layers.Count, firstPulls);
        Assert.Equal(second.Layers.Select(l => l.Digest).Except(first.Layers.Select(l => l.Digest)), pulled);
        Assert.Single(pulled);
        Assert.Equal(Scan(first).Sbom, firstReport.Sbom);
        Assert.Equal(Scan(second).Sbom, secondReport.Sbom);
        Assert.Equal(Scan(second).FilesScanned, secondReport.FilesScanned);
    }

    [Fact]
    public async Task A_layer_read_with_other_content_than_its_digest_names_is_refused_and_not_remembered()
    {
        var cache = new LayerScans();
        var scanner = new ImageScanner(SecretRuleSet.BuiltIn(), Osv, new ScanGate(Severity.High, Severity.High, [], Today), 64 * 1024 * 1024, cache);
        var image = PolicyImage();
        var parsed = ImageManifest.Parse(image.Manifest, "test");
        var other = PolicyImage(policyVersion: "1.0.0").Layers[^1];

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => scanner.Scan(image.Manifest, image.Config, parsed.Layers,
            (layer, _) => Task.FromResult(layer.Digest == parsed.Layers[^1].Digest ? other : image.Layers.First(l => l.Digest == layer.Digest)), "quarantine/osha/haz-fast", default));

        Assert.Contains($"layer {parsed.Layers[^1].Digest} was read with content of digest {other.Digest}", error.Message, StringComparison.Ordinal);
        Assert.Null(cache.Find(parsed.Layers[^1].Digest));
        Assert.Null(cache.Find(other.Digest));
    }

    private static Task<ScanReport> ScanByDescriptors(ImageScanner scanner, OciImage image, List<string> pulled)
    {
        var parsed = ImageManifest.Parse(image.Manifest, "test");
        return scanner.Scan(image.Manifest, image.Config, parsed.Layers, (layer, _) =>
        {
            pulled.Add(layer.Digest);
            return Task.FromResult(image.Layers.First(l => l.Digest == layer.Digest));
        }, "quarantine/osha/haz-fast", default);
    }

    [Fact]
    public void A_secret_in_a_file_over_the_size_limit_blocks_as_file_too_large_and_the_file_is_still_hashed_in_the_sbom()
    {
        var (path, line, secret) = PlantedSecrets.ByRule["github-pat"];
        var content = new string('#', 10_000) + $"\n{line}\n";
        var image = WithLayer(PolicyImage(), (path, content));
        var scanner = new ImageScanner(SecretRuleSet.BuiltIn(), Osv, new ScanGate(Severity.High, Severity.High, [], Today), 8192);

        var report = scanner.Scan(image, "quarantine/osha/haz-fast");

        Assert.False(report.Passed);
        var tooLarge = Assert.Single(report.Findings, f => f.Finding.RuleId == ImageScanner.FileTooLarge);
        Assert.True(tooLarge.Blocking);
        Assert.Equal((Severity.High, path, image.Layers[^1].Digest), (tooLarge.Finding.Severity, tooLarge.Finding.Path, tooLarge.Finding.LayerDigest));
        Assert.Contains("larger than Scanner:MaxFileBytes (8192)", tooLarge.Finding.Message, StringComparison.Ordinal);
        var file = Assert.Single(JsonNode.Parse(report.Sbom)!["components"]!.AsArray(), c => c!["name"]?.GetValue<string>() == "/" + path);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(content))), file!["hashes"]![0]!["content"]!.GetValue<string>());
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(report.Sbom), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_too_large_can_be_accepted_by_an_ignore_entry_naming_its_path()
    {
        var image = WithLayer(PolicyImage(), ("opt/data/table.csv", new string('1', 10_000)));
        var ignore = new IgnoreEntry(ImageScanner.FileTooLarge, "opt/data/table.csv", "reviewed reference data", new DateOnly(2030, 1, 1));
        var scanner = new ImageScanner(SecretRuleSet.BuiltIn(), Osv, new ScanGate(Severity.High, Severity.High, [ignore], Today), 8192);

        var report = scanner.Scan(image, "quarantine/osha/haz-fast");

        Assert.True(report.Passed, string.Join("; ", report.Findings.Select(f => f.Finding.Message)));
        Assert.False(Assert.Single(report.Findings, f => f.Finding.RuleId == ImageScanner.FileTooLarge).Blocking);
    }

    [Fact]
    public void A_layer_of_more_files_than_one_batch_holds_is_scanned_whole()
    {
        var (path, line, _) = PlantedSecrets.ByRule["github-pat"];
        var files = Enumerable.Range(0, 1300).Select(i => ($"etc/many/f{i:D4}.conf", i == 777 ? $"a = 1\n{line}\n" : $"value = {i}\n")).Append((path, $"{line}\n")).ToArray();
        var image = WithLayer(PolicyImage(), files);

        var report = Scan(image);

        var found = report.Findings.Where(f => f.Finding.RuleId == "github-pat").Select(f => $"{f.Finding.Path}:{f.Finding.Line}").Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "etc/many/f0777.conf:2", $"{path}:1" }.Order(StringComparer.Ordinal), found);
        Assert.Equal(Scan(PolicyImage()).FilesScanned + 1301, report.FilesScanned);
    }
}
