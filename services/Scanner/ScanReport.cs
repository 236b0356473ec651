using Bpdp.Contracts;
using Bpdp.Scanner.Gate;

namespace Bpdp.Scanner;

/// <summary>What a scan found and decided: every finding with its verdict, the SBOM, and what was looked at.</summary>
public sealed record ScanReport(IReadOnlyList<GatedFinding> Findings, byte[] Sbom, int FilesScanned, long BytesScanned, int Packages)
{
    public bool Passed => !Findings.Any(f => f.Blocking);

    public IReadOnlyList<ScanFinding> Reported => [.. Findings.Select(f => f.Finding)];
}
