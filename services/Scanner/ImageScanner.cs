using System.Security.Cryptography;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Scanner.Gate;
using Bpdp.Scanner.Layers;
using Bpdp.Scanner.Lint;
using Bpdp.Scanner.Sbom;
using Bpdp.Scanner.Secrets;
using Bpdp.Scanner.Vulnerabilities;

namespace Bpdp.Scanner;

/// <summary>
/// Scans one image: secrets in every file of every layer, the policy lint, the SBOM, the vulnerability match,
/// then the gate. A layer is scanned once when a cache is given: versions share their base and executor layers.
/// </summary>
public sealed class ImageScanner(SecretRuleSet rules, OsvDatabase vulnerabilities, ScanGate gate, long maxFileBytes, LayerScans? cache = null)
{
    private readonly SecretDetector secrets = new(rules);

    public ScanReport Scan(OciImage image, string repository)
    {
        ArgumentNullException.ThrowIfNull(image);
        var findings = new List<ScanFinding>();
        var files = new List<HashedFile>();
        var packages = new List<SbomComponent>();
        ImageFile? policy = null;
        long bytes = 0;
        foreach (var layer in image.Layers)
        {
            var scanned = cache?.GetOrScan(layer.Digest, () => ScanLayer(layer)) ?? ScanLayer(layer);
            findings.AddRange(scanned.Findings);
            files.AddRange(scanned.Files);
            packages.AddRange(scanned.Packages);
            policy = scanned.Policy ?? policy;
            bytes += scanned.Bytes;
        }

        findings.AddRange(PolicyLint.Check(policy));
        findings.AddRange(VulnerabilityMatcher.Match(vulnerabilities, packages));
        var aliases = findings.Where(f => f.Category == VulnerabilityMatcher.Category)
            .Select(f => f.RuleId).Distinct(StringComparer.Ordinal)
            .ToDictionary(id => id, id => vulnerabilities.AliasesOf(id), StringComparer.Ordinal);
        var sbom = CycloneDxSbom.Build(image, repository, files, packages);
        return new ScanReport(gate.Judge(findings, aliases), sbom, files.Count, bytes, packages.DistinctBy(p => p.Purl).Count());
    }

    private LayerScan ScanLayer(Blob layer)
    {
        var tooLarge = new List<ScanFinding>();
        var files = LayerFiles.In(layer, maxFileBytes, (digest, path, size) => tooLarge.Add(new ScanFinding("file-too-large", SecretDetector.Category, Severity.Medium,
            $"/{path} ({size} bytes) is larger than Scanner:MaxFileBytes and was not scanned for secrets.", digest, path))).ToList();
        var packages = files.Where(f => f.Path.EndsWith(".deps.json", StringComparison.Ordinal)).SelectMany(f => DepsJson.Packages(f.Content, f.Path)).ToList();
        var hashed = files.Select(f => new HashedFile(f.LayerDigest, f.Path, f.Content.LongLength, Convert.ToHexStringLower(SHA256.HashData(f.Content)))).ToList();
        return new LayerScan([.. tooLarge, .. secrets.ScanAll(files)], hashed, packages, files.LastOrDefault(f => f.Path == PolicyLint.PolicyPath), files.Sum(f => f.Content.LongLength));
    }
}
