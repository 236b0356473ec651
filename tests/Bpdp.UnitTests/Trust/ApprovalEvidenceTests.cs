using System.Security.Cryptography;
using System.Text;
using Bpdp.Contracts;
using Bpdp.Trust.Approvals;
using Microsoft.Extensions.Time.Testing;

namespace Bpdp.UnitTests.Trust;

/// <summary>An approval key approves only within its scope and validity window, and only fresh approvals.</summary>
public sealed class ApprovalEvidenceTests : IDisposable
{
    private const string Yaml = "name: haz-fast\n";
    private static readonly DateTimeOffset ApprovedAt = new(2026, 11, 27, 9, 15, 0, TimeSpan.Zero);
    private readonly ECDsa signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly FakeTimeProvider clock = new(ApprovedAt.AddMinutes(10));
    private readonly List<ApprovalKeyRing> rings = [];

    public void Dispose()
    {
        rings.ForEach(r => r.Dispose());
        signer.Dispose();
    }

    private ApprovalEvidence Evidence(string[]? agencies = null, string[]? environments = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, double maxAgeHours = 24)
    {
        var copy = ECDsa.Create();
        copy.ImportSubjectPublicKeyInfo(signer.ExportSubjectPublicKeyInfo(), out _);
        var ring = new ApprovalKeyRing([new ApprovalKey("approvals", copy, (agencies ?? ["osha"]).ToHashSet(), (environments ?? ["production"]).ToHashSet(), notBefore, notAfter)]);
        rings.Add(ring);
        return new ApprovalEvidence(ring, clock, TimeSpan.FromHours(maxAgeHours), "Builder:TrustedKeys");
    }

    private ArtifactApproved Approval(string agency = "osha", string environment = "production", DateTimeOffset? approvedAt = null) =>
        ApprovalCanonicalForm.Sign(new ArtifactApproved(Guid.NewGuid(), clock.GetUtcNow(), "haz-fast", "1.0.0", agency, environment, Yaml,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Yaml))), "jane.doe@osha.example", "approvals", "CHG-2026-0042",
            approvedAt ?? ApprovedAt, Signature: ""), signer);

    [Fact]
    public void A_fresh_approval_within_the_keys_scope_is_accepted() =>
        Assert.Equal(ApprovalCheck.Accepted, Evidence().Check(Approval()));

    [Fact]
    public void A_key_scoped_to_every_agency_and_environment_accepts_any_of_them() =>
        Assert.Equal(ApprovalCheck.Accepted, Evidence(["*"], ["*"]).Check(Approval("epa", "staging")));

    [Theory]
    [InlineData("epa", "production")]
    [InlineData("osha", "staging")]
    public void A_key_of_another_agency_or_environment_is_refused_naming_its_scope(string agency, string environment)
    {
        var check = Evidence().Check(Approval(agency, environment));

        Assert.Equal(ApprovalRejectionReason.KeyNotAuthorized, check.Reason);
        Assert.Equal($"Key 'approvals' may approve only for agencies [osha], environments [production], not for agency '{agency}', environment '{environment}'.", check.Message);
    }

    [Fact]
    public void An_expired_key_is_refused()
    {
        var check = Evidence(notAfter: ApprovedAt.AddMinutes(5)).Check(Approval());

        Assert.Equal(ApprovalRejectionReason.KeyNotValid, check.Reason);
        Assert.Contains("valid from the start to 2026-11-27T09:20:00.0000000+00:00", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_not_yet_valid_when_it_signed_is_refused() =>
        Assert.Equal(ApprovalRejectionReason.KeyNotValid, Evidence(notBefore: ApprovedAt.AddMinutes(1)).Check(Approval()).Reason);

    [Fact]
    public void An_approval_older_than_the_allowed_age_is_refused_as_stale()
    {
        clock.Advance(TimeSpan.FromHours(24));

        var check = Evidence().Check(Approval());

        Assert.Equal(ApprovalRejectionReason.StaleApproval, check.Reason);
        Assert.Contains("approvals older than 24.0 h are refused", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_approval_dated_beyond_the_clock_skew_in_the_future_is_refused() =>
        Assert.Equal(ApprovalRejectionReason.StaleApproval, Evidence().Check(Approval(approvedAt: clock.GetUtcNow().AddMinutes(6))).Reason);

    [Fact]
    public void The_allowed_age_is_configurable()
    {
        clock.Advance(TimeSpan.FromHours(30));

        Assert.Equal(ApprovalCheck.Accepted, Evidence(maxAgeHours: 48).Check(Approval()));
    }

    [Fact]
    public void A_scope_widened_after_signing_does_not_change_what_the_signature_covers()
    {
        var approval = Approval() with { Environment = "staging" };

        Assert.Equal(ApprovalRejectionReason.InvalidSignature, Evidence(environments: ["*"]).Check(approval).Reason);
    }
}
