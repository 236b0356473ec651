using System.Security.Cryptography;
using System.Text;
using Bpdp.Contracts;

namespace Bpdp.UnitTests.Contracts;

public sealed class ScanVerdictCanonicalFormTests
{
    private static readonly Guid Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    private static readonly DateTimeOffset At = new(2026, 11, 27, 4, 40, 5, 123, TimeSpan.FromHours(-5));
    private const string Digest = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private const string Sbom = "sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

    private static readonly ScanFinding Finding = new("github-pat", "secret", Severity.High, "a GitHub token", "sha256:aa", "etc/app/git.env", 2, "GH_TOKEN=*****");

    private static ImageScanned Scan(bool passed = true, IReadOnlyList<ScanFinding>? findings = null, string? sbom = Sbom, string? keyId = "scanner-1") =>
        new(Id, At.AddTicks(4567), new DeploymentTarget("osha", "production", "haz-fast", "1.1.0"), new ImageReference("registry.example/quarantine/osha/haz-fast", Digest),
            passed, findings ?? [], sbom, keyId, "ignored");

    [Fact]
    public void The_canonical_form_is_the_documented_lines_in_order_with_the_time_in_utc()
    {
        var scan = Scan();

        var text = ScanVerdictCanonicalForm.ToText(scan);

        Assert.Equal(
            "bpdp-scan-verdict/v1\n" +
            "deploymentId=0f8fad5b-d9cb-469f-a165-70867728950e\n" +
            "agency=osha\n" +
            "environment=production\n" +
            "policyName=haz-fast\n" +
            "policyVersion=1.1.0\n" +
            "imageRepository=registry.example/quarantine/osha/haz-fast\n" +
            $"imageDigest={Digest}\n" +
            "passed=true\n" +
            $"sbomDigest={Sbom}\n" +
            "findingsSha256=4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945\n" +
            "scannerKeyId=scanner-1\n" +
            "occurredAt=2026-11-27T09:40:05.123Z\n",
            text);
        Assert.Equal(Encoding.UTF8.GetBytes(text), ScanVerdictCanonicalForm.ToBytes(scan));
    }

    [Fact]
    public void A_blocked_verdict_without_sbom_or_key_has_false_and_empty_lines()
    {
        var text = ScanVerdictCanonicalForm.ToText(Scan(passed: false, sbom: null, keyId: null));

        Assert.Contains("\npassed=false\nsbomDigest=\n", text, StringComparison.Ordinal);
        Assert.Contains("\nscannerKeyId=\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_findings_hash_is_over_the_findings_array_as_the_wire_carries_it()
    {
        var wire = """[{"ruleId":"github-pat","category":"secret","severity":"High","message":"a GitHub token","layerDigest":"sha256:""" +
            """aa","path":"etc/app/git.env","line":2,"excerpt":"GH_TOKEN=*****"}]""";

        Assert.Contains($"\nfindingsSha256={Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(wire)))}\n",
            ScanVerdictCanonicalForm.ToText(Scan(findings: [Finding])), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agency")]
    [InlineData("imageRepository")]
    [InlineData("scannerKeyId")]
    public void A_field_with_a_line_break_has_no_canonical_form(string field)
    {
        var scan = Scan();
        var broken = field switch
        {
            "agency" => scan with { Target = scan.Target with { Agency = "osha\npassed=true" } },
            "imageRepository" => scan with { Image = scan.Image with { Repository = "quarantine/osha\r/haz-fast" } },
            _ => scan with { ScannerKeyId = "scanner\n1" },
        };

        var error = Assert.Throws<ArgumentException>(() => ScanVerdictCanonicalForm.ToText(broken));

        Assert.Equal($"The scan verdict field '{field}' contains a line break, which the canonical form cannot carry. (Parameter '{field}')", error.Message);
    }

    [Fact]
    public void Signing_names_the_key_and_the_signature_covers_every_field_but_itself()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = ScanVerdictCanonicalForm.Sign(Scan(findings: [Finding], keyId: null), "scanner-2", key);
        var signature = Convert.FromBase64String(signed.VerdictSignature!);

        bool Verifies(ImageScanned scan) => key.VerifyData(ScanVerdictCanonicalForm.ToBytes(scan), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.Equal("scanner-2", signed.ScannerKeyId);
        Assert.True(Verifies(signed with { VerdictSignature = "other" }));
        Assert.False(Verifies(signed with { Passed = false }));
        Assert.False(Verifies(signed with { Findings = [] }));
        Assert.False(Verifies(signed with { Findings = [Finding with { Severity = Severity.Low }] }));
        Assert.False(Verifies(signed with { SbomDigest = null }));
        Assert.False(Verifies(signed with { ScannerKeyId = "scanner-3" }));
        Assert.False(Verifies(signed with { OccurredAt = signed.OccurredAt.AddMilliseconds(1) }));
    }

    [Fact]
    public void A_verdict_cannot_be_signed_without_a_key_id()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Throws<ArgumentException>(() => ScanVerdictCanonicalForm.Sign(Scan(), " ", key));
    }
}
