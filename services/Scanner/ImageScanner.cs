using Bpdp.Contracts;
using Bpdp.Platform.Images;
using Bpdp.Scanner.Gate;
using Bpdp.Scanner.Layers;
using Bpdp.Scanner.Lint;
using Bpdp.Scanner.Sbom;
using Bpdp.Scanner.Secrets;
using Bpdp.Scanner.Vulnerabilities;

namespace Bpdp.Scanner;

/// <summary>Scans one image: secrets in every file of every layer, the policy lint, the SBOM, the vulnerability match, then the gate.</summary>
public sealed class ImageScanner(SecretRuleSet rules, OsvDatabase vulnerabilities, ScanGate gate, long maxFileBytes)
{
    private readonly SecretDetector secrets = new(rules);

    public ScanReport Scan(OciImage image, string repository)
    {
        ArgumentNullException.ThrowIfNull(image);
        var findings = new List<ScanFinding>();
        var files = new List<ImageFile>();
        var packages = new List<SbomComponent>();
        ImageFile? policy = null;
        long bytes = 0;
        foreach (var file in LayerFiles.Of(image, maxFileBytes, (layer, path, size) => findings.Add(new ScanFinding("file-too-large", SecretDetector.Category, Severity.Medium,
            $"/{path} ({size} bytes) is larger than Scanner:MaxFileBytes and was not scanned for secrets.", layer, path))))
        {
            bytes += file.Content.LongLength;
            files.Add(file);
            if (file.Path == PolicyLint.PolicyPath)
            {
                policy = file;
            }

            if (file.Path.EndsWith(".deps.json", StringComparison.Ordinal))
            {
                packages.AddRange(DepsJson.Packages(file.Content, file.Path));
            }
        }

        findings.AddRange(secrets.ScanAll(files));
        findings.AddRange(PolicyLint.Check(policy));
        findings.AddRange(VulnerabilityMatcher.Match(vulnerabilities, packages));
        var aliases = findings.Where(f => f.Category == VulnerabilityMatcher.Category)
            .Select(f => f.RuleId).Distinct(StringComparer.Ordinal)
            .ToDictionary(id => id, id => vulnerabilities.AliasesOf(id), StringComparer.Ordinal);
        var sbom = CycloneDxSbom.Build(image, repository, files, packages);
        return new ScanReport(gate.Judge(findings, aliases), sbom, files.Count, bytes, packages.DistinctBy(p => p.Purl).Count());
    }
}
