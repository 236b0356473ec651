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
public sealed class ImageScanner(SecretRuleSet rules, OsvDatabase vulnerabilities, ScanGate gate, long maxFileBytes, LayerScans? cache = null, ImageLimits? limits = null)
{
    public const string FileTooLarge = "file-too-large";
    private const long BatchBytes = 32L * 1024 * 1024;
    private const int BatchFiles = 512;

    private readonly SecretDetector secrets = new(rules);

    public ScanReport Scan(OciImage image, string repository)
    {
        ArgumentNullException.ThrowIfNull(image);
        var scans = image.Layers.Select(layer => cache?.GetOrScan(layer.Digest, () => ScanLayer(layer)) ?? ScanLayer(layer)).ToList();
        return Report(image.Manifest, image.Config, [.. image.Layers.Select(l => l.Digest)], scans, repository);
    }

    /// <summary>
    /// Scans an image from its manifest and config, reading only the layers it has not scanned: a layer whose digest the
    /// cache knows is not pulled at all. A pulled layer must have the digest its descriptor names, or nothing is trusted.
    /// </summary>
    /// <param name="manifest">The image manifest.</param>
    /// <param name="config">Its config blob.</param>
    /// <param name="layers">The manifest's layer descriptors, base first.</param>
    /// <param name="pull">Reads one layer's blob.</param>
    /// <param name="repository">The image's repository, for the SBOM.</param>
    /// <param name="cancel">Stops it.</param>
    public async Task<ScanReport> Scan(Blob manifest, Blob config, IReadOnlyList<BlobDescriptor> layers, Func<BlobDescriptor, CancellationToken, Task<Blob>> pull,
        string repository, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(pull);
        var scans = new List<LayerScan>(layers.Count);
        foreach (var descriptor in layers)
        {
            if (cache?.Find(descriptor.Digest) is { } known)
            {
                ScannerMetrics.Layers.WithLabels("cached").Inc();
                scans.Add(known);
                continue;
            }

            var blob = await pull(descriptor, cancel);
            if (!string.Equals(blob.Digest, descriptor.Digest, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"layer {descriptor.Digest} was read with content of digest {blob.Digest}: the store does not hold what the manifest names");
            }

            ScannerMetrics.Layers.WithLabels("pulled").Inc();
            var scanned = ScanLayer(blob);
            cache?.Keep(blob.Digest, scanned);
            scans.Add(scanned);
        }

        return Report(manifest, config, [.. layers.Select(l => l.Digest)], scans, repository);
    }

    private ScanReport Report(Blob manifest, Blob config, IReadOnlyList<string> layerDigests, IReadOnlyList<LayerScan> scans, string repository)
    {
        var findings = new List<ScanFinding>();
        var files = new List<HashedFile>();
        var packages = new List<SbomComponent>();
        ImageFile? policy = null;
        long bytes = 0;
        foreach (var scanned in scans)
        {
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
        var sbom = CycloneDxSbom.Build(manifest, config, layerDigests, repository, files, packages);
        return new ScanReport(gate.Judge(findings, aliases), sbom, files.Count, bytes, packages.DistinctBy(p => p.Purl).Count());
    }

    /// <summary>
    /// One layer, streamed: files are scanned in batches of about <see cref="BatchBytes"/> (in parallel within a batch) and
    /// dropped once hashed, so a layer of any size costs at most one batch of memory.
    /// </summary>
    private LayerScan ScanLayer(Blob layer)
    {
        var findings = new List<ScanFinding>();
        var hashed = new List<HashedFile>();
        var packages = new List<SbomComponent>();
        ImageFile? policy = null;
        long bytes = 0;
        var batch = new List<ImageFile>();
        long batchBytes = 0;
        foreach (var file in LayerFiles.In(layer, maxFileBytes, large => TooLarge(large, findings, hashed), limits))
        {
            batch.Add(file);
            batchBytes += file.Content.LongLength;
            if (batchBytes >= BatchBytes || batch.Count >= BatchFiles)
            {
                Flush();
            }
        }

        Flush();
        return new LayerScan(findings, hashed, packages, policy, bytes);

        void Flush()
        {
            findings.AddRange(secrets.ScanAll(batch));
            foreach (var file in batch)
            {
                hashed.Add(new HashedFile(file.LayerDigest, file.Path, file.Content.LongLength, Convert.ToHexStringLower(SHA256.HashData(file.Content))));
                if (file.Path.EndsWith(".deps.json", StringComparison.Ordinal))
                {
                    packages.AddRange(DepsJson.Packages(file.Content, file.Path));
                }

                policy = file.Path == PolicyLint.PolicyPath ? file : policy;
                bytes += file.Content.LongLength;
            }

            batch.Clear();
            batchBytes = 0;
        }
    }

    /// <summary>A file too large to scan is not known to be free of secrets: it blocks (High) unless an ignore entry names its path.</summary>
    private void TooLarge(HashedFile file, List<ScanFinding> findings, List<HashedFile> hashed)
    {
        hashed.Add(file);
        findings.Add(new ScanFinding(FileTooLarge, SecretDetector.Category, Severity.High,
            $"/{file.Path} ({file.Size} bytes) is larger than Scanner:MaxFileBytes ({maxFileBytes}) and was not scanned for secrets, so it is not known to be free of them: " +
            $"remove it from the image, raise Scanner:MaxFileBytes, or accept it with an ignore entry for {FileTooLarge} and this path.",
            file.LayerDigest, file.Path));
    }
}
