using Bpdp.Contracts;
using Bpdp.Scanner.Sbom;

namespace Bpdp.Scanner.Layers;

/// <summary>What one layer holds, scanned: its secret findings (and files too large to scan), its files' hashes, its packages, and the policy file if it carries one.</summary>
public sealed record LayerScan(IReadOnlyList<ScanFinding> Findings, IReadOnlyList<HashedFile> Files, IReadOnlyList<SbomComponent> Packages, ImageFile? Policy, long Bytes);
