using System.Security.Cryptography;
using System.Text;
using Bpdp.Contracts;
using Bpdp.Trust.Approvals;
using Bpdp.Trust.Attestations;
using Bpdp.Trust.Scans;

namespace Bpdp.UnitTests.Trust;

/// <summary>The formats an attestation carries: DSSE's pre-authentication encoding, and canonical forms read back only when they are exactly what was signed.</summary>
public sealed class SignedFormsTests
{
    private static readonly ArtifactApproved Approval = new(Guid.Parse("3f2c8a9e-5b7d-4e21-9c3a-1d6f0b8e4a72"), DateTimeOffset.UnixEpoch, "haz-fast", "1.0.0", "osha", "production", "",
        new string('7', 64), "jane.doe@osha.example", "approvals-example", "CHG-2026-0042", new DateTimeOffset(2026, 11, 27, 9, 15, 0, TimeSpan.Zero), "");

    [Fact]
    public void The_pre_authentication_encoding_is_the_dsse_specifications()
    {
        Assert.Equal("DSSEv1 29 http://example.com/HelloWorld 11 hello world", Encoding.UTF8.GetString(Dsse.Pae("http://example.com/HelloWorld", "hello world"u8.ToArray())));
    }

    [Fact]
    public void An_envelope_verifies_over_the_encoding_of_its_type_and_payload_and_reads_back()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var envelope = Dsse.Parse(Dsse.Sign(Dsse.InTotoPayloadType, "{}"u8.ToArray(), key), out var problem)!;

        Assert.Null(problem);
        Assert.Equal((Dsse.InTotoPayloadType, "{}"), (envelope.PayloadType, Encoding.UTF8.GetString(envelope.Payload)));
        Assert.True(key.VerifyData(envelope.SignedBytes, Assert.Single(envelope.Signatures), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.False(key.VerifyData(Dsse.Pae("application/json", envelope.Payload), envelope.Signatures[0], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void A_json_object_that_is_not_an_envelope_is_refused()
    {
        Assert.Null(Dsse.Parse("""{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[]}"""u8.ToArray(), out var problem));
        Assert.Equal("it is not a DSSE envelope (payloadType, payload, signatures)", problem);
    }

    [Fact]
    public void An_approvals_canonical_form_reads_back_into_its_fields()
    {
        var form = ApprovalForm.Parse(ApprovalCanonicalForm.ToBytes(Approval), out var problem);

        Assert.Null(problem);
        Assert.Equal(new ApprovalForm(Approval.DeploymentId, "haz-fast", "1.0.0", "osha", "production", Approval.PolicySha256, Approval.ApproverId, Approval.ApproverKeyId,
            Approval.ApprovalReference, Approval.ApprovedAt), form);
    }

    [Theory]
    [InlineData("no final newline", "its lines must each end in a single \\n, the last one included")]
    [InlineData("carriage return", "its lines must each end in a single \\n, the last one included")]
    [InlineData("another header", "its first line is 'bpdp-approval/v2', not 'bpdp-approval/v1'")]
    [InlineData("a field more", "it has 11 fields, not the 10 of bpdp-approval/v1")]
    [InlineData("fields swapped", "its field 1 is not deploymentId=…")]
    [InlineData("upper-case uuid", "it is not written exactly as the canonical form (a UUID in upper case, or another spelling of a field)")]
    [InlineData("not utf-8", "it is not UTF-8")]
    public void Bytes_that_are_not_exactly_the_canonical_form_do_not_read_as_an_approval(string change, string problem)
    {
        var text = ApprovalCanonicalForm.ToText(Approval);
        var lines = text.Split('\n');
        var bytes = change switch
        {
            "no final newline" => Encoding.UTF8.GetBytes(text.TrimEnd('\n')),
            "carriage return" => Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal)),
            "another header" => Encoding.UTF8.GetBytes(text.Replace("bpdp-approval/v1", "bpdp-approval/v2", StringComparison.Ordinal)),
            "a field more" => Encoding.UTF8.GetBytes(text + "extra=1\n"),
            "fields swapped" => Encoding.UTF8.GetBytes(string.Join('\n', [lines[0], lines[2], lines[1], .. lines[3..]])),
            "upper-case uuid" => Encoding.UTF8.GetBytes(text.Replace(Approval.DeploymentId.ToString(), Approval.DeploymentId.ToString().ToUpperInvariant(), StringComparison.Ordinal)),
            _ => [.. Encoding.UTF8.GetBytes(text[..^1]), 0xff, (byte)'\n'],
        };

        Assert.Null(ApprovalForm.Parse(bytes, out var actual));
        Assert.Equal(problem, actual);
    }

    [Fact]
    public void A_scan_verdicts_canonical_form_reads_back_into_its_fields()
    {
        var scan = new ImageScanned(Approval.DeploymentId, Approval.ApprovedAt, Approval.Target, new ImageReference("quarantine/osha/haz-fast", "sha256:" + new string('a', 64)), true, [],
            "sha256:" + new string('b', 64), "scanner-1");

        var form = ScanVerdictForm.Parse(ScanVerdictCanonicalForm.ToBytes(scan), out var problem);

        Assert.Null(problem);
        Assert.Equal(new ScanVerdictForm(scan.DeploymentId, scan.Target, scan.Image.Repository, scan.Image.Digest, true, scan.SbomDigest!, ScanVerdictCanonicalForm.FindingsSha256([]),
            "scanner-1", scan.OccurredAt), form);
    }

    [Fact]
    public void A_signed_form_round_trips_through_json_byte_for_byte()
    {
        var signed = new SignedForm([.. ApprovalCanonicalForm.ToBytes(Approval), 0xc3, 0xa9], "c2ln", "approvals-example");

        var read = SignedForm.FromJson(signed.ToJson())!;

        Assert.Equal(signed.CanonicalForm, read.CanonicalForm);
        Assert.Equal((signed.Signature, signed.KeyId), (read.Signature, read.KeyId));
        Assert.Null(SignedForm.FromJson(new System.Text.Json.Nodes.JsonObject { ["canonicalForm"] = "%%%", ["signature"] = "", ["keyId"] = "" }));
    }
}
