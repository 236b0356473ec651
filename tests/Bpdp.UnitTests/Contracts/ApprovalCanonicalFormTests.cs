using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bpdp.Contracts;
using Bpdp.Testing;

namespace Bpdp.UnitTests.Contracts;

public sealed class ApprovalCanonicalFormTests
{
    [Fact]
    public void Canonical_form_is_the_documented_lines_in_order()
    {
        var approval = Samples.Approval(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"));

        var text = ApprovalCanonicalForm.ToText(approval);

        Assert.Equal(
            "bpdp-approval/v1\n" +
            "deploymentId=0f8fad5b-d9cb-469f-a165-70867728950e\n" +
            "policyName=haz-fast\n" +
            "policyVersion=1.0.0\n" +
            "agency=osha\n" +
            "environment=production\n" +
            $"policySha256={approval.PolicySha256}\n" +
            "approverId=jane.doe@osha.example\n" +
            "approverKeyId=approvals-2026\n" +
            "approvalReference=CHG-2026-0042\n" +
            "approvedAt=2026-11-27T09:15:00.123Z\n",
            text);
        Assert.Equal(Encoding.UTF8.GetBytes(text), ApprovalCanonicalForm.ToBytes(approval));
    }

    [Fact]
    public void Approval_time_is_rendered_in_utc_whatever_offset_it_was_sent_with()
    {
        var utc = Samples.Approval();
        var shifted = utc with { ApprovedAt = utc.ApprovedAt.ToOffset(TimeSpan.FromHours(-5)) };

        Assert.Equal(ApprovalCanonicalForm.ToText(utc), ApprovalCanonicalForm.ToText(shifted));
    }

    [Fact]
    public void Signature_and_message_time_are_not_covered_but_every_approval_field_is()
    {
        var approval = Samples.Approval();
        var canonical = ApprovalCanonicalForm.ToText(approval);

        Assert.Equal(canonical, ApprovalCanonicalForm.ToText(approval with { Signature = "other", OccurredAt = DateTimeOffset.UnixEpoch }));
        Assert.NotEqual(canonical, ApprovalCanonicalForm.ToText(approval with { PolicySha256 = new string('0', 64) }));
        Assert.NotEqual(canonical, ApprovalCanonicalForm.ToText(approval with { Environment = "staging" }));
    }

    [Fact]
    public void A_field_with_a_line_break_has_no_canonical_form()
    {
        var approval = Samples.Approval() with { ApproverId = "jane\napproverKeyId=forged" };

        var error = Assert.Throws<ArgumentException>(() => ApprovalCanonicalForm.ToText(approval));
        Assert.Contains("approverId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Documented_example_approval_verifies_with_ecdsa_p256_over_its_canonical_form()
    {
        var examples = Path.Combine(RepositoryRoot.Path, "contracts", "examples");
        var approval = JsonSerializer.Deserialize<ArtifactApproved>(Samples.ExampleApprovalJson, ContractJson.Options)!;
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(examples, "approver-example.pub.pem")));

        var signature = Convert.FromBase64String(approval.Signature);

        Assert.True(key.VerifyData(ApprovalCanonicalForm.ToBytes(approval), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.False(key.VerifyData(ApprovalCanonicalForm.ToBytes(approval with { Environment = "staging" }), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(approval.PolicySha256, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(approval.PolicyYaml))));
    }
}
