using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.Platform.Bus;
using Bpdp.Trust.Approvals;
using Microsoft.Extensions.Time.Testing;

namespace Bpdp.UnitTests.Hostile;

/// <summary>
/// Generated hostile approvals, as wire bodies and as records: each is refused — by the duplicate-key check, by the
/// serializer with the field at fault, or by the approval evidence with a reason — and the valid approval is then accepted.
/// </summary>
public sealed class ApprovalFuzzTests : IDisposable
{
    private const string Yaml = "name: haz-fast\n";
    private static readonly DateTimeOffset ApprovedAt = new(2026, 11, 27, 9, 15, 0, TimeSpan.Zero);
    private static readonly string[] Signed =
        ["deploymentId", "policyName", "policyVersion", "agency", "environment", "policyYaml", "policySha256", "approverId", "approverKeyId", "approvalReference", "approvedAt"];

    private readonly ECDsa signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ApprovalKeyRing ring;
    private readonly ApprovalEvidence evidence;

    public ApprovalFuzzTests()
    {
        var copy = ECDsa.Create();
        copy.ImportSubjectPublicKeyInfo(signer.ExportSubjectPublicKeyInfo(), out _);
        ring = new ApprovalKeyRing([new ApprovalKey("approvals", copy, new HashSet<string> { "osha" }, new HashSet<string> { "production" }, null, null)]);
        evidence = new ApprovalEvidence(ring, new FakeTimeProvider(ApprovedAt.AddMinutes(10)), TimeSpan.FromHours(24), "Builder:TrustedKeys");
    }

    public void Dispose()
    {
        ring.Dispose();
        signer.Dispose();
        stranger.Dispose();
    }

    private ArtifactApproved Valid(ECDsa? key = null, Func<ArtifactApproved, ArtifactApproved>? change = null) =>
        ApprovalCanonicalForm.Sign((change ?? (a => a))(new ArtifactApproved(Guid.NewGuid(), ApprovedAt, "haz-fast", "1.0.0", "osha", "production", Yaml,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Yaml))), "jane.doe@osha.example", "approvals", "CHG-2026-0042", ApprovedAt, Signature: "")), key ?? signer);

    [Fact]
    public async Task Generated_hostile_approvals_are_each_refused_with_a_reason_and_a_valid_one_is_then_accepted()
    {
        var mutator = new Mutator(20261202);
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Campaign.Approvals; i++)
        {
            var (refusal, what) = await Task.Run(() => i % 2 == 0 ? WireRefusal(mutator) : RecordRefusal(mutator, i)).WaitAsync(Campaign.Bound);

            Assert.False(string.IsNullOrWhiteSpace(refusal), $"approval {i} ({what}) was accepted");
            var kind = refusal.Split(':')[0];
            reasons[kind] = reasons.GetValueOrDefault(kind) + 1;
        }

        Assert.True(evidence.Check(Valid()).IsAccepted);
        Assert.Equal(Campaign.Approvals, reasons.Values.Sum());
        Assert.Equal(
            "HashMismatch 164, InvalidSignature 365, KeyNotAuthorized 83, MalformedApproval 53, MissingSignature 83, Oversize 3, StaleApproval 166, UnknownKey 83, duplicate 175, serializer 825",
            string.Join(", ", reasons.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}")));
    }

    /// <summary>A signed approval's JSON broken in one member: what refuses it, as the bus would (duplicate keys, the serializer) or the evidence.</summary>
    private (string Refusal, string What) WireRefusal(Mutator mutator)
    {
        var document = JsonSerializer.SerializeToNode(Valid(), ContractJson.Options)!.AsObject();
        var (json, what) = mutator.BrokenMember(document, [.. Signed, "signature", "occurredAt"]);
        return (Refusal(Encoding.UTF8.GetBytes(json)), what);
    }

    private string Refusal(byte[] body)
    {
        try
        {
            if (DuplicateJsonKeys.Find(body) is { } path)
            {
                return $"duplicate: {path}";
            }

            var approval = JsonSerializer.Deserialize<ArtifactApproved>(body, ContractJson.Options);
            if (approval is null)
            {
                return "null: the body is JSON null";
            }

            var check = evidence.Check(approval);
            return check.IsAccepted ? "" : $"{check.Reason}: {check.Message}";
        }
        catch (JsonException error)
        {
            return $"serializer: {error.Message}";
        }
    }

    /// <summary>A record an attacker could publish: a signed field changed afterwards, a forged or foreign signature, a key out of scope, bad dates, oversize.</summary>
    private (string Refusal, string What) RecordRefusal(Mutator mutator, int i)
    {
        var approval = Valid();
        var text = mutator.Text(mutator.Random.Next(1, 40));
        var (hostile, what) = (i / 2 % 12) switch
        {
            0 => (approval with { PolicyName = approval.PolicyName + text }, "name changed after signing"),
            1 => (approval with { Agency = text }, "agency changed after signing"),
            2 => (approval with { PolicyYaml = approval.PolicyYaml + "#" + text }, "policy changed after signing"),
            3 => (approval with { Signature = Convert.ToBase64String(RandomNumberGenerator.GetBytes(mutator.Random.Next(1, 80))) }, "random signature"),
            4 => (approval with { Signature = text }, "signature not base64"),
            5 => (approval with { Signature = "" }, "no signature"),
            6 => (Valid(stranger), "signed by an untrusted key under the trusted id"),
            7 => (Valid(change: a => a with { ApproverKeyId = $"k{mutator.Random.Next():x}" }), "unknown key"),
            8 => (Valid(change: a => a with { Agency = "epa" }), "agency outside the key's scope"),
            9 => (Valid(change: a => a with { ApprovedAt = ApprovedAt.AddDays(mutator.Random.Next(1, 3000)) }), "approved in the future"),
            10 => (Valid(change: a => a with { ApprovedAt = ApprovedAt.AddDays(-mutator.Random.Next(2, 3000)) }), "stale"),
            _ => i % 50 == 1
                ? (Valid(change: a => a with { PolicyYaml = new string('#', ArtifactApproved.MaxPolicyYamlBytes + 1) }), "oversize policy")
                : (Valid(change: a => a with { PolicySha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))) }), "hash of another policy"),
        };
        var check = evidence.Check(hostile);
        return (check.IsAccepted ? "" : $"{check.Reason}: {check.Message}", what);
    }
}
