using System.Security.Cryptography;
using System.Text;
using Bpdp.Builder.Approval;
using Bpdp.Contracts;
using Bpdp.Trust.Approvals;
using Bpdp.UnitTests.Policy;
using Microsoft.Extensions.Time.Testing;

namespace Bpdp.UnitTests.Builder;

/// <summary>Each way an approval can be wrong is refused with its own reason, before anything is built.</summary>
public sealed class ApprovalVerifierTests : IDisposable
{
    private const string KeyId = "approvals-2026";
    private readonly ECDsa approvalKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly DateTimeOffset ApprovedAt = new(2026, 11, 27, 9, 15, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider clock = new(ApprovedAt.AddMinutes(10));
    private readonly ApprovalKeyRing trusted;
    private readonly ApprovalVerifier verifier;

    public ApprovalVerifierTests()
    {
        var copy = ECDsa.Create();
        copy.ImportSubjectPublicKeyInfo(approvalKey.ExportSubjectPublicKeyInfo(), out _);
        trusted = new ApprovalKeyRing([new ApprovalKey(KeyId, copy, new HashSet<string> { "osha" }, new HashSet<string> { "production" }, null, null)]);
        verifier = Verifier(trusted);
    }

    private ApprovalVerifier Verifier(ApprovalKeyRing keys, params string[] webMetricHosts) =>
        new(new ApprovalEvidence(keys, clock, TimeSpan.FromHours(24), "Builder:TrustedKeys"), webMetricHosts);

    private ArtifactApproved Signed(string yaml, string version = "1.0.0", ECDsa? signer = null, string keyId = KeyId)
    {
        var unsigned = new ArtifactApproved(Guid.NewGuid(), DateTimeOffset.UtcNow, "haz-fast", version, "osha", "production", yaml,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))), "jane.doe@osha.example", keyId, "CHG-2026-0042",
            ApprovedAt, Signature: "");
        var signature = (signer ?? approvalKey).SignData(ApprovalCanonicalForm.ToBytes(unsigned), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return unsigned with { Signature = Convert.ToBase64String(signature) };
    }

    [Fact]
    public void A_correctly_signed_approval_of_a_valid_policy_is_accepted_with_the_compiled_policy()
    {
        var verdict = verifier.Verify(Signed(PolicyExamples.HazFast("1.0.0")));

        Assert.True(verdict.Accepted, verdict.Message);
        Assert.Equal("1.0.0", verdict.Policy!.Module.Metadata.Version);
    }

    [Fact]
    public void A_policy_whose_web_metric_reads_a_host_outside_the_gates_allow_list_is_refused_as_an_invalid_policy_at_the_url()
    {
        var yaml = PolicyExamples.HazFast("1.0.0").Replace("  soak:", """
              metrics:
                - name: intake-p95
                  provider: web
                  url: http://telemetry.elsewhere.example/kpi?version={{version}}
                  jsonPath: $.p95Seconds
                  successCondition: result < 2.0
              soak:
            """, StringComparison.Ordinal);
        Assert.Contains("telemetry.elsewhere.example", yaml, StringComparison.Ordinal);

        var refused = Verifier(trusted, "telemetry.osha.example").Verify(Signed(yaml));
        var accepted = Verifier(trusted, "telemetry.elsewhere.example").Verify(Signed(yaml));

        Assert.Equal(ApprovalRejectionReason.InvalidPolicy, refused.Reason);
        var error = Assert.Single(refused.Errors);
        Assert.Equal("deploy.metrics[0].url", error.Path);
        Assert.Contains("telemetry.elsewhere.example, which is not an allowed metric host (KpiGate:WebMetricHosts: telemetry.osha.example)", error.Message, StringComparison.Ordinal);
        Assert.True(accepted.Accepted, accepted.Message);
    }

    [Fact]
    public void An_unsigned_approval_is_refused()
    {
        var verdict = verifier.Verify(Signed(PolicyExamples.HazFast("1.0.0")) with { Signature = "" });

        Assert.Equal(ApprovalRejectionReason.MissingSignature, verdict.Reason);
    }

    [Fact]
    public void A_key_the_builder_does_not_trust_is_named()
    {
        var verdict = verifier.Verify(Signed(PolicyExamples.HazFast("1.0.0"), signer: otherKey, keyId: "someone-else"));

        Assert.Equal(ApprovalRejectionReason.UnknownKey, verdict.Reason);
        Assert.Contains("'someone-else'", verdict.Message, StringComparison.Ordinal);
        Assert.Contains("Builder:TrustedKeys:someone-else", verdict.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("signed by another key")]
    [InlineData("changed after signing")]
    [InlineData("not base64")]
    public void A_signature_that_does_not_verify_is_refused(string how)
    {
        var yaml = PolicyExamples.HazFast("1.0.0");
        var approval = how switch
        {
            "signed by another key" => Signed(yaml, signer: otherKey),
            "changed after signing" => Signed(yaml) with { Environment = "staging" },
            _ => Signed(yaml) with { Signature = "%%% not base64 %%%" },
        };

        Assert.Equal(ApprovalRejectionReason.InvalidSignature, verifier.Verify(approval).Reason);
    }

    [Fact]
    public void A_policy_that_is_not_the_approved_one_is_a_hash_mismatch()
    {
        var approval = Signed(PolicyExamples.HazFast("1.0.0"));

        // The signature covers the hash, not the text: swapping the text keeps the signature valid but breaks the hash.
        var verdict = verifier.Verify(approval with { PolicyYaml = PolicyExamples.HazFast("1.0.1") });

        Assert.Equal(ApprovalRejectionReason.HashMismatch, verdict.Reason);
        Assert.Contains(approval.PolicySha256, verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversize_policy_is_refused_before_its_signature_is_checked()
    {
        var verdict = verifier.Verify(Signed(PolicyExamples.HazFast("1.0.0") + "#" + new string('x', ArtifactApproved.MaxPolicyYamlBytes)) with { Signature = "" });

        Assert.Equal(ApprovalRejectionReason.Oversize, verdict.Reason);
    }

    [Fact]
    public void An_invalid_policy_is_refused_with_every_validation_error()
    {
        var yaml = File.ReadAllText(Path.Combine(PolicyExamples.Folder, "invalid", "unknown-field.yaml"));

        var verdict = verifier.Verify(Signed(yaml));

        Assert.Equal(ApprovalRejectionReason.InvalidPolicy, verdict.Reason);
        Assert.Equal(3, verdict.Errors.Count);
        Assert.Contains(verdict.Errors, e => e.Line == 10 && e.Column == 3 && e.Message.Contains("Did you mean 'title'?", StringComparison.Ordinal));
        var rejection = verdict.ToRejection(Signed(yaml), DateTimeOffset.UtcNow);
        Assert.Equal(3, rejection.Errors!.Count);
    }

    [Fact]
    public void An_approval_naming_another_version_than_its_policy_is_malformed()
    {
        var verdict = verifier.Verify(Signed(PolicyExamples.HazFast("1.0.1"), version: "1.1.0"));

        Assert.Equal(ApprovalRejectionReason.MalformedApproval, verdict.Reason);
        Assert.Contains("haz-fast 1.1.0 of osha, but the policy is haz-fast 1.0.1 of osha", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_with_a_line_break_is_malformed()
    {
        var verdict = verifier.Verify(Signed(PolicyExamples.HazFast("1.0.0")) with { ApprovalReference = "CHG-1\napproverKeyId=forged" });

        Assert.Equal(ApprovalRejectionReason.MalformedApproval, verdict.Reason);
    }

    [Fact]
    public void Trusted_keys_load_from_pem_files_and_a_missing_file_is_named()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, approvalKey.ExportSubjectPublicKeyInfoPem());
        using var keys = ApprovalKeyRing.Load("Builder:TrustedKeys", new Dictionary<string, ApprovalKeyOptions> { [KeyId] = Scoped(path) });
        Assert.True(Verifier(keys).Verify(Signed(PolicyExamples.HazFast("1.0.0"))).Accepted);

        var error = Assert.Throws<InvalidOperationException>(() => ApprovalKeyRing.Load("Builder:TrustedKeys", new Dictionary<string, ApprovalKeyOptions> { ["k"] = Scoped("/nonexistent/k.pem") }));
        Assert.Contains("Builder:TrustedKeys:k:PublicKeyFile names '/nonexistent/k.pem'", error.Message, StringComparison.Ordinal);
        File.Delete(path);
    }

    private static ApprovalKeyOptions Scoped(string path) => new() { PublicKeyFile = path, Agencies = ["osha"], Environments = ["production"] };

    public void Dispose()
    {
        approvalKey.Dispose();
        otherKey.Dispose();
        trusted.Dispose();
    }
}
