using System.Security.Cryptography;
using Bpdp.Contracts;
using Bpdp.Trust.Scans;
using Microsoft.Extensions.Time.Testing;

namespace Bpdp.UnitTests.Trust;

/// <summary>A scan verdict is the Scanner's only when signed by a trusted Scanner key, within its validity, over exactly what it says.</summary>
public sealed class ScanVerdictEvidenceTests : IDisposable
{
    private static readonly Guid Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    private static readonly DateTimeOffset SignedAt = new(2026, 11, 27, 10, 5, 0, TimeSpan.Zero);
    private static readonly ImageReference Image = new("quarantine/osha/haz-fast", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    private static readonly ScanFinding Finding = new("github-pat", "secret", Severity.Low, "a GitHub token, accepted", Path: "etc/app/git.env", Line: 2, Excerpt: "GH_TOKEN=*****");
    private readonly ECDsa signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly FakeTimeProvider clock = new(SignedAt.AddMinutes(1));
    private readonly List<ScannerKeyRing> rings = [];

    public void Dispose()
    {
        rings.ForEach(r => r.Dispose());
        signer.Dispose();
    }

    private ScanVerdictEvidence Evidence(DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var copy = ECDsa.Create();
        copy.ImportSubjectPublicKeyInfo(signer.ExportSubjectPublicKeyInfo(), out _);
        var ring = new ScannerKeyRing("Publisher:ScannerKeys", [new ScannerKey("scanner-1", copy, notBefore, notAfter)]);
        rings.Add(ring);
        return new ScanVerdictEvidence(ring, clock);
    }

    private static ImageScanned Unsigned() =>
        new(Id, SignedAt, new DeploymentTarget("osha", "production", "haz-fast", "1.1.0"), Image, true, [Finding], "sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752");

    private ImageScanned Signed(string keyId = "scanner-1") => ScanVerdictCanonicalForm.Sign(Unsigned(), keyId, signer);

    private static string Tampered(string keyId = "scanner-1") =>
        $"The signature of the scan verdict of {Image} for deployment {Id} does not verify with Scanner key '{keyId}': the verdict was changed after signing, or signed with another key or form.";

    [Fact]
    public void A_verdict_signed_by_a_trusted_key_is_verified_naming_the_key() =>
        Assert.Equal(ScanVerdictCheck.Verified("scanner-1"), Evidence().Check(Signed()));

    [Fact]
    public void An_unsigned_verdict_is_refused_as_missing_its_signature() =>
        Assert.Equal(ScanVerdictCheck.Refused(RefusalReason.MissingSignature,
                $"The scan verdict of {Image} for deployment {Id} carries no signature; only a verdict signed with a trusted Scanner key is released (contracts/README.md)."),
            Evidence().Check(Unsigned()));

    [Fact]
    public void A_signature_without_a_key_id_is_refused_as_missing() =>
        Assert.Equal(RefusalReason.MissingSignature, Evidence().Check(Signed() with { ScannerKeyId = null }).Reason);

    [Fact]
    public void A_verdict_signed_by_an_unknown_key_is_refused_naming_the_keys_trusted_and_where_to_configure_it() =>
        Assert.Equal(ScanVerdictCheck.Refused(RefusalReason.InvalidSignature,
                $"The scan verdict of {Image} for deployment {Id} is signed with key 'scanner-9', which is not a trusted Scanner key (trusted: scanner-1); " +
                "configure it as Publisher:ScannerKeys:scanner-9."),
            Evidence().Check(Signed("scanner-9")));

    [Fact]
    public void A_blocked_verdict_turned_passed_is_refused_as_an_invalid_signature()
    {
        var blocked = ScanVerdictCanonicalForm.Sign(Unsigned() with { Passed = false }, "scanner-1", signer);

        Assert.Equal(ScanVerdictCheck.Refused(RefusalReason.InvalidSignature, Tampered()), Evidence().Check(blocked with { Passed = true }));
    }

    [Fact]
    public void A_verdict_whose_findings_were_removed_or_changed_is_refused_as_an_invalid_signature()
    {
        var evidence = Evidence();

        Assert.Equal(ScanVerdictCheck.Refused(RefusalReason.InvalidSignature, Tampered()), evidence.Check(Signed() with { Findings = [] }));
        Assert.Equal(RefusalReason.InvalidSignature, evidence.Check(Signed() with { Findings = [Finding with { Severity = Severity.Critical }] }).Reason);
    }

    [Fact]
    public void A_verdict_naming_another_digest_is_refused_as_an_invalid_signature()
    {
        var other = Signed() with { Image = Image with { Digest = "sha256:" + new string('0', 64) } };

        Assert.Equal(RefusalReason.InvalidSignature, Evidence().Check(other).Reason);
        Assert.StartsWith($"The signature of the scan verdict of {other.Image} for deployment {Id} does not verify", Evidence().Check(other).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signature_that_is_not_base64_is_refused_as_invalid() =>
        Assert.Equal(ScanVerdictCheck.Refused(RefusalReason.InvalidSignature, Tampered()), Evidence().Check(Signed() with { VerdictSignature = "not base64!" }));

    [Fact]
    public void A_verdict_signed_with_an_expired_key_is_refused_as_not_authorized()
    {
        var expired = SignedAt.AddSeconds(30);

        Assert.Equal(ScanVerdictCheck.Refused(RefusalReason.NotAuthorized,
                $"Scanner key 'scanner-1' is valid from the start to {expired:O}; the scan verdict of {Image} was signed at {SignedAt:O} and checked at {clock.GetUtcNow():O}."),
            Evidence(notAfter: expired).Check(Signed()));
    }

    [Fact]
    public void A_verdict_signed_before_the_key_was_valid_is_refused_as_not_authorized() =>
        Assert.Equal(RefusalReason.NotAuthorized, Evidence(notBefore: SignedAt.AddSeconds(1)).Check(Signed()).Reason);

    [Fact]
    public void A_field_with_a_line_break_is_refused_as_an_invalid_signature()
    {
        var check = Evidence().Check(Signed() with { Target = Unsigned().Target with { PolicyVersion = "1.1.0\npassed=true" } });

        Assert.Equal(RefusalReason.InvalidSignature, check.Reason);
        Assert.Contains("The scan verdict field 'policyVersion' contains a line break", check.Message, StringComparison.Ordinal);
    }
}
