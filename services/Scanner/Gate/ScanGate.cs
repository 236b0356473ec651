using Bpdp.Contracts;
using Bpdp.Scanner.Lint;
using Bpdp.Scanner.Secrets;
using Bpdp.Scanner.Vulnerabilities;

namespace Bpdp.Scanner.Gate;

/// <summary>
/// Decides what blocks: lint errors always; secrets and vulnerabilities at or above their configured
/// severity, unless an unexpired ignore entry names them. An expired entry stops ignoring.
/// </summary>
public sealed class ScanGate(Severity secretsBlockAt, Severity vulnerabilitiesBlockAt, IReadOnlyList<IgnoreEntry> ignores, DateOnly today)
{
    public IReadOnlyList<GatedFinding> Judge(IEnumerable<ScanFinding> findings, IReadOnlyDictionary<string, IReadOnlyList<string>>? aliases = null) =>
        [.. findings.Select(f => Judge(f, aliases?.GetValueOrDefault(f.RuleId) ?? []))];

    private GatedFinding Judge(ScanFinding finding, IReadOnlyList<string> aliases)
    {
        var blocksBySeverity = finding.Category switch
        {
            PolicyLint.Category => true,
            SecretDetector.Category => finding.Severity >= secretsBlockAt,
            VulnerabilityMatcher.Category => finding.Severity >= vulnerabilitiesBlockAt,
            _ => finding.Severity >= Severity.High,
        };
        var matching = finding.Category == PolicyLint.Category
            ? []
            : ignores.Where(i => (i.Id == finding.RuleId || aliases.Contains(i.Id)) && (i.Path is null || i.Path == finding.Path?.TrimStart('/'))).ToList();
        var active = matching.FirstOrDefault(i => i.Expires >= today);
        var expired = active is null ? matching.FirstOrDefault() : null;
        return new GatedFinding(Describe(finding, active, expired), blocksBySeverity && active is null, active, expired);
    }

    private static ScanFinding Describe(ScanFinding finding, IgnoreEntry? active, IgnoreEntry? expired) =>
        active is not null ? finding with { Message = $"{finding.Message} Ignored until {active.Expires:yyyy-MM-dd}: {active.Reason}" }
        : expired is not null ? finding with { Message = $"{finding.Message} Its ignore entry expired on {expired.Expires:yyyy-MM-dd}." }
        : finding;
}
