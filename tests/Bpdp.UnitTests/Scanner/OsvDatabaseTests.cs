using Bpdp.Contracts;
using Bpdp.Scanner.Sbom;
using Bpdp.Scanner.Vulnerabilities;
using Bpdp.Testing;
using NuGet.Versioning;

namespace Bpdp.UnitTests.Scanner;

/// <summary>OSV range semantics and the fixture database.</summary>
public sealed class OsvDatabaseTests
{
    private static readonly OsvDatabase Fixture = OsvDatabase.Load(Path.Combine(RepositoryRoot.Path, "tests", "fixtures", "osv"));

    private static OsvAffected Range(params (OsvEventKind Kind, string Version)[] events) =>
        new("Example", [], [[.. events.Select(e => new OsvEvent(e.Kind, e.Version == "0" ? null : NuGetVersion.Parse(e.Version)))]]);

    [Theory]
    [InlineData("0.9.0", false)]
    [InlineData("1.0.0", true)]
    [InlineData("1.4.9", true)]
    [InlineData("1.5.0", false)]
    [InlineData("2.0.0", true)]
    [InlineData("2.3.0", true)]
    [InlineData("2.3.1", false)]
    public void Introduced_opens_fixed_closes_before_itself_and_last_affected_after_itself(string version, bool affected)
    {
        var range = Range((OsvEventKind.Introduced, "1.0.0"), (OsvEventKind.Fixed, "1.5.0"), (OsvEventKind.Introduced, "2.0.0"), (OsvEventKind.LastAffected, "2.3.0"));

        Assert.Equal(affected, range.Includes(NuGetVersion.Parse(version)));
    }

    [Fact]
    public void Introduced_zero_affects_every_version_up_to_the_fix()
    {
        var range = Range((OsvEventKind.Introduced, "0"), (OsvEventKind.Fixed, "18.2.0"));

        Assert.True(range.Includes(NuGetVersion.Parse("0.0.1-alpha")));
        Assert.True(range.Includes(NuGetVersion.Parse("18.1.0")));
        Assert.False(range.Includes(NuGetVersion.Parse("18.2.0")));
    }

    [Fact]
    public void The_fixture_matches_only_the_nuget_packages_and_versions_it_names()
    {
        var findings = VulnerabilityMatcher.Match(Fixture, [
            new SbomComponent("YamlDotNet", "18.1.0", "usr/local/share/bpdp/bpdp-executor.deps.json"),
            new SbomComponent("Google.Protobuf", "3.36.2", "x.deps.json"),
            new SbomComponent("prometheus-net", "8.2.1", "x.deps.json"),
            new SbomComponent("YamlDotNet", "18.2.0", "y.deps.json"),
        ]);

        Assert.Equal(["BPDP-TEST-2026-0001", "BPDP-TEST-2026-0003"], findings.Select(f => f.RuleId).Order(StringComparer.Ordinal));
        Assert.Equal(Severity.High, findings.Single(f => f.RuleId == "BPDP-TEST-2026-0001").Severity);
        Assert.Contains("CVE-2099-0001", findings.Single(f => f.RuleId == "BPDP-TEST-2026-0001").Message, StringComparison.Ordinal);
        Assert.Equal(Severity.Low, findings.Single(f => f.RuleId == "BPDP-TEST-2026-0003").Severity);
    }

    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4)]
    [InlineData("CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.8)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0)]
    public void Cvss_v3_base_scores_follow_the_specification(string vector, double score) => Assert.Equal(score, Cvss3.BaseScore(vector));
}
