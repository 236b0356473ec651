using System.Globalization;
using Bpdp.Contracts;
using Bpdp.Trust.Attestations;

namespace Bpdp.Trust.Scans;

/// <summary>The fields of a scan verdict's canonical form (<see cref="ScanVerdictCanonicalForm"/>), read back from the exact bytes the Scanner signed.</summary>
public sealed record ScanVerdictForm(
    Guid DeploymentId,
    DeploymentTarget Target,
    string ImageRepository,
    string ImageDigest,
    bool Passed,
    string SbomDigest,
    string FindingsSha256,
    string ScannerKeyId,
    DateTimeOffset OccurredAt)
{
    private static readonly string[] Names =
        ["deploymentId", "agency", "environment", "policyName", "policyVersion", "imageRepository", "imageDigest", "passed", "sbomDigest", "findingsSha256", "scannerKeyId", "occurredAt"];

    /// <summary>The verdict <paramref name="bytes"/> state; null, with <paramref name="problem"/>, when they are not the canonical form.</summary>
    public static ScanVerdictForm? Parse(byte[] bytes, out string? problem)
    {
        if (CanonicalLines.Parse(bytes, ScanVerdictCanonicalForm.Header, Names, out problem) is not { } fields)
        {
            return null;
        }

        if (!Guid.TryParseExact(fields["deploymentId"], "D", out var deploymentId) || fields["deploymentId"] != deploymentId.ToString("D")
            || fields["passed"] is not ("true" or "false")
            || !DateTimeOffset.TryParseExact(fields["occurredAt"], "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var occurredAt))
        {
            problem = "its deploymentId, passed or occurredAt is not in the canonical format";
            return null;
        }

        return new ScanVerdictForm(deploymentId, new DeploymentTarget(fields["agency"], fields["environment"], fields["policyName"], fields["policyVersion"]),
            fields["imageRepository"], fields["imageDigest"], fields["passed"] == "true", fields["sbomDigest"], fields["findingsSha256"], fields["scannerKeyId"], occurredAt);
    }
}
