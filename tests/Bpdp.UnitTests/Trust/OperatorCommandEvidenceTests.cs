using System.Security.Cryptography;
using Bpdp.Contracts;
using Bpdp.Trust.Operators;
using Microsoft.Extensions.Time.Testing;

namespace Bpdp.UnitTests.Trust;

/// <summary>An operator key commands only what its roles allow, for its agencies, within its validity window, and only fresh commands.</summary>
public sealed class OperatorCommandEvidenceTests : IDisposable
{
    private const string Section = "Coordinator:OperatorKeys";
    private static readonly Guid Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    private static readonly DateTimeOffset SignedAt = new(2026, 11, 27, 10, 5, 0, TimeSpan.Zero);
    private static readonly DeploymentTarget Osha = new("osha", "production", "haz-fast", "1.1.0");
    private readonly ECDsa signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly FakeTimeProvider clock = new(SignedAt.AddMinutes(1));
    private readonly List<OperatorKeyRing> rings = [];

    public void Dispose()
    {
        rings.ForEach(r => r.Dispose());
        signer.Dispose();
    }

    private OperatorCommandEvidence Evidence(string[]? agencies = null, OperatorRole[]? roles = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null,
        TimeSpan? maxAge = null)
    {
        var copy = ECDsa.Create();
        copy.ImportSubjectPublicKeyInfo(signer.ExportSubjectPublicKeyInfo(), out _);
        var ring = new OperatorKeyRing([new OperatorKey("ops-jane", copy, (agencies ?? ["osha"]).ToHashSet(), (roles ?? [OperatorRole.Abort, OperatorRole.Promote]).ToHashSet(),
            notBefore, notAfter)]);
        rings.Add(ring);
        return new OperatorCommandEvidence(ring, clock, maxAge ?? OperatorCommandEvidence.DefaultMaxAge, Section);
    }

    private AbortDeployment Abort(DateTimeOffset? at = null, string keyId = "ops-jane") =>
        OperatorCommandCanonicalForm.Sign(new AbortDeployment(Id, at ?? SignedAt, "jane.doe@osha.example", "error rate climbing", keyId), signer);

    private PromoteDeployment Promote(DateTimeOffset? at = null) =>
        OperatorCommandCanonicalForm.Sign(new PromoteDeployment(Id, at ?? SignedAt, "jane.doe@osha.example", "ops-jane"), signer);

    [Fact]
    public void A_fresh_signed_abort_is_accepted_naming_the_operator_and_the_key() =>
        Assert.Equal(new OperatorCheck(null, null, "jane.doe@osha.example (key ops-jane)"), Evidence().Check(Abort(), Osha));

    [Fact]
    public void A_fresh_signed_promotion_is_accepted()
    {
        var check = Evidence().Check(Promote(), Osha);

        Assert.True(check.IsAccepted);
        Assert.Equal("jane.doe@osha.example (key ops-jane)", check.Operator);
    }

    [Fact]
    public void A_key_for_every_agency_commands_any_of_them() =>
        Assert.True(Evidence(agencies: ["*"]).Check(Abort(), Osha with { Agency = "epa" }).IsAccepted);

    [Fact]
    public void An_unsigned_command_is_refused_as_missing_its_signature_telling_how_to_sign()
    {
        var check = Evidence().Check(new AbortDeployment(Id, SignedAt, "jane", "why"), Osha);

        Assert.Equal(RefusalReason.MissingSignature, check.Reason);
        Assert.Equal(
            $"The abort of deployment {Id} carries no signature; operator commands are acted on only when signed with a trusted operator key " +
            $"(`bpdp abort {Id} --key operator.key.pem`, or the canonical form in contracts/README.md).", check.Message);
        Assert.Null(check.Operator);
    }

    [Fact]
    public void A_signature_without_a_key_id_is_refused_as_missing_it()
    {
        var check = Evidence().Check(Promote() with { OperatorKeyId = null }, Osha);

        Assert.Equal(RefusalReason.MissingSignature, check.Reason);
        Assert.StartsWith($"The promote of deployment {Id} carries a signature but no operatorKeyId;", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_with_a_line_break_cannot_be_verified()
    {
        var check = Evidence().Check(new AbortDeployment(Id, SignedAt, "jane\nrequestedBy=admin", "why", "ops-jane", "c2ln"), Osha);

        Assert.Equal(RefusalReason.InvalidSignature, check.Reason);
        Assert.Equal($"The abort of deployment {Id} cannot be verified: The operator command field 'requestedBy' contains a line break, " +
            "which the canonical form cannot carry. (Parameter 'requestedBy')", check.Message);
    }

    [Fact]
    public void A_key_not_trusted_here_is_refused_naming_the_trusted_ones_and_where_to_configure_it()
    {
        var check = Evidence().Check(Abort(keyId: "ops-mallory"), Osha);

        Assert.Equal(RefusalReason.InvalidSignature, check.Reason);
        Assert.Equal($"The abort of deployment {Id} is signed with key 'ops-mallory', which is not a trusted operator key (trusted: ops-jane); " +
            "configure it as Coordinator:OperatorKeys:ops-mallory.", check.Message);
    }

    [Fact]
    public void A_command_changed_after_signing_is_refused()
    {
        var check = Evidence().Check(Abort() with { RequestedBy = "mallory" }, Osha);

        Assert.Equal(RefusalReason.InvalidSignature, check.Reason);
        Assert.Equal($"The signature of the abort of deployment {Id} does not verify with operator key 'ops-jane': " +
            "the command was changed after signing, or signed with another key or form.", check.Message);
    }

    [Fact]
    public void A_signature_that_is_not_base64_is_refused() =>
        Assert.Equal(RefusalReason.InvalidSignature, Evidence().Check(Abort() with { Signature = "not base64!" }, Osha).Reason);

    [Fact]
    public void An_abort_signature_does_not_make_a_promotion()
    {
        var abort = Abort();

        var check = Evidence().Check(new PromoteDeployment(abort.DeploymentId, abort.OccurredAt, abort.RequestedBy, abort.OperatorKeyId, abort.Signature), Osha);

        Assert.Equal(RefusalReason.InvalidSignature, check.Reason);
    }

    [Fact]
    public void An_expired_key_is_refused()
    {
        var check = Evidence(notAfter: SignedAt.AddSeconds(30)).Check(Abort(), Osha);

        Assert.Equal(RefusalReason.NotAuthorized, check.Reason);
        Assert.Equal($"Operator key 'ops-jane' is valid from the start to 2026-11-27T10:05:30.0000000+00:00; the abort of deployment {Id} was signed at " +
            "2026-11-27T10:05:00.0000000+00:00 and checked at 2026-11-27T10:06:00.0000000+00:00.", check.Message);
    }

    [Fact]
    public void A_key_not_yet_valid_when_it_signed_is_refused() =>
        Assert.Equal(RefusalReason.NotAuthorized, Evidence(notBefore: SignedAt.AddSeconds(1)).Check(Abort(), Osha).Reason);

    [Fact]
    public void An_abort_only_key_is_refused_for_a_promotion()
    {
        var evidence = Evidence(roles: [OperatorRole.Abort]);

        var check = evidence.Check(Promote(), Osha);

        Assert.Equal(RefusalReason.NotAuthorized, check.Reason);
        Assert.Equal("Operator key 'ops-jane' has the roles [Abort], not Promote; Coordinator:OperatorKeys:ops-jane:Roles must list Promote for it to promote.", check.Message);
        Assert.True(evidence.Check(Abort(), Osha).IsAccepted);
    }

    [Fact]
    public void An_osha_key_is_refused_for_another_agency()
    {
        var check = Evidence().Check(Abort(), Osha with { Agency = "epa" });

        Assert.Equal(RefusalReason.NotAuthorized, check.Reason);
        Assert.Equal("Operator key 'ops-jane' may command only the deployments of agencies [osha], not of agency 'epa'.", check.Message);
    }

    [Fact]
    public void A_command_older_than_the_allowed_age_is_refused_as_stale()
    {
        clock.Advance(TimeSpan.FromMinutes(10));

        var check = Evidence().Check(Abort(), Osha);

        Assert.Equal(RefusalReason.Stale, check.Reason);
        Assert.Equal($"The abort of deployment {Id} was signed at 2026-11-27T10:05:00.0000000+00:00, 11 min ago; " +
            "operator commands older than 10 min are refused, so send it again.", check.Message);
    }

    [Fact]
    public void The_allowed_age_is_configurable()
    {
        clock.Advance(TimeSpan.FromMinutes(20));

        Assert.True(Evidence(maxAge: TimeSpan.FromMinutes(30)).Check(Abort(), Osha).IsAccepted);
    }

    [Fact]
    public void A_command_dated_beyond_the_clock_skew_in_the_future_is_refused()
    {
        var check = Evidence().Check(Promote(clock.GetUtcNow().AddMinutes(6)), Osha);

        Assert.Equal(RefusalReason.Stale, check.Reason);
        Assert.Equal($"The promote of deployment {Id} is dated 2026-11-27T10:12:00.0000000+00:00, later than now (2026-11-27T10:06:00.0000000+00:00) " +
            "by more than 5 minutes: check the operator's clock.", check.Message);
    }

    [Fact]
    public void A_command_dated_within_the_clock_skew_is_accepted() =>
        Assert.True(Evidence().Check(Promote(clock.GetUtcNow().AddMinutes(4)), Osha).IsAccepted);
}
