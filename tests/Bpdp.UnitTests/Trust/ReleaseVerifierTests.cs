using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Testing;
using Bpdp.Trust.Approvals;
using Bpdp.Trust.Attestations;
using Bpdp.Trust.Release;
using Bpdp.Trust.Scans;

namespace Bpdp.UnitTests.Trust;

/// <summary>
/// The checks the Rollout and <c>bpdp verify</c> run on a release, against an OCI-layout store: a release passes every
/// one; each piece of evidence an attacker with write access to the store (but no key) can change or copy fails the
/// check it belongs to, with its own reason and a detail that names the check.
/// </summary>
public sealed class ReleaseVerifierTests : IDisposable
{
    private const string Repository = "osha/haz-fast";
    private static readonly DeploymentTarget Target = new("osha", "production", "haz-fast", "1.1.0");
    private readonly Guid deploymentId = Guid.NewGuid();
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-release-verifier-").FullName;
    private readonly ReleaseSigning release = new();
    private readonly ECDsa stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly OciLayoutImageStore store;
    private readonly ReleaseKeyRing releaseKeys;
    private readonly ApprovalKeyRing approvalKeys;
    private readonly ScannerKeyRing scannerKeys;

    public ReleaseVerifierTests()
    {
        store = new OciLayoutImageStore(Path.Combine(folder, "images"));
        releaseKeys = ReleaseKeyRing.Load("Rollout:ReleaseKeys", new Dictionary<string, ReleaseKeyOptions> { [ReleaseSigning.KeyId] = new() { PublicKeyFile = release.WritePublicKey(folder) } });
        approvalKeys = ApprovalKeyRing.Load("Rollout:TrustedKeys", new Dictionary<string, ApprovalKeyOptions>
        {
            [ApprovalSigning.KeyId] = new() { PublicKeyFile = release.Approvals.WritePublicKey(folder), Agencies = ["osha"], Environments = ["production", "staging"] },
        });
        scannerKeys = ScannerKeyRing.Load("Rollout:ScannerKeys", new Dictionary<string, ScannerKeyOptions> { [ScanSigning.KeyId] = new() { PublicKeyFile = release.Scans.WritePublicKey(folder) } });
    }

    public void Dispose()
    {
        releaseKeys.Dispose();
        approvalKeys.Dispose();
        scannerKeys.Dispose();
        stranger.Dispose();
        release.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private ReleaseVerifier Verifier => new(store, new ReleaseSignatures(store, releaseKeys), releaseKeys,
        new ApprovalEvidence(approvalKeys, TimeProvider.System, TimeSpan.MaxValue, "Rollout:TrustedKeys"), new ScanVerdictEvidence(scannerKeys, TimeProvider.System));

    private ReleaseExpectation Expected => ReleaseExpectation.For(new DeployGreen(deploymentId, DateTimeOffset.UtcNow, Target, new ImageReference(Repository, "sha256:" + new string('0', 64))));

    /// <summary>The image of <paramref name="target"/>, pushed and signed, without attestations.</summary>
    private async Task<ImageReference> Signed(DeploymentTarget? target = null) => await release.Sign(store, await ReleaseSigning.PushImage(store, Repository, target ?? Target));

    /// <summary>The policy hash <see cref="ReleaseSigning.PushImage"/> gives the image of <paramref name="target"/>.</summary>
    private static string PolicyOf(DeploymentTarget target) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{target.Agency}/{target.PolicyName} {target.PolicyVersion}")));

    private Task<IReadOnlyList<ReleaseCheck>> Verify(ImageReference image, ReleaseExpectation? expected = null) => Verifier.Verify(image, expected ?? Expected);

    private static ReleaseCheck Named(IReadOnlyList<ReleaseCheck> checks, string name) => checks.Single(c => c.Detail.StartsWith(name + ": ", StringComparison.Ordinal));

    [Fact]
    public async Task A_release_passes_every_check_in_order_naming_the_keys_and_the_approval()
    {
        var image = await release.Release(store, await ReleaseSigning.PushImage(store, Repository, Target), Target, deploymentId);

        var checks = await Verify(image);

        Assert.All(checks, c => Assert.True(c.IsVerified, c.Detail));
        Assert.Equal(ReleaseVerifier.Names, checks.Select(c => c.Detail[..c.Detail.IndexOf(':', StringComparison.Ordinal)]));
        Assert.Equal($"provenance: {CosignAttestations.TagFor(image.Digest)} in {Repository} signed with release key '{ReleaseSigning.KeyId}', about {image.Digest}", checks[1].Detail);
        Assert.StartsWith($"approval: osha/production haz-fast 1.1.0, deployment {deploymentId}, approved by jane.doe@osha.example (CHG-2026-0042) at ", checks[2].Detail, StringComparison.Ordinal);
        Assert.EndsWith($"signed with approval key '{ApprovalSigning.KeyId}'", checks[2].Detail, StringComparison.Ordinal);
        Assert.Equal($"policy hash: {PolicyOf(Target)}, the image's (org.opencontainers.image.revision), is the policy approved and the one the provenance states", checks[3].Detail);
        Assert.StartsWith($"scan verdict: passed, {image.Digest} for deployment {deploymentId}, signed with Scanner key '{ScanSigning.KeyId}' at ", checks[4].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_image_without_attestations_fails_the_provenance_and_scan_verdict_and_skips_what_the_provenance_carries()
    {
        var image = await Signed();

        var checks = await Verify(image);

        var missing = $"no attestation tag {CosignAttestations.TagFor(image.Digest)} in {Repository}: the Publisher signs the provenance and the scan verdict of every release there";
        Assert.True(checks[0].IsVerified);
        Assert.Equal(ReleaseCheck.Refused(RefusalReason.MissingSignature, $"provenance: {missing}"), checks[1]);
        Assert.Equal(ReleaseCheck.Skip("approval: not checked: it is read from the provenance, which did not verify"), checks[2]);
        Assert.Equal(ReleaseCheck.Skip("policy hash: not checked: the approval is read from the provenance, which did not verify"), checks[3]);
        Assert.Equal(ReleaseCheck.Refused(RefusalReason.MissingSignature, $"scan verdict: {missing}"), checks[4]);
    }

    [Fact]
    public async Task Stopping_at_the_first_failure_reports_the_release_signature_alone_when_it_fails()
    {
        var image = await ReleaseSigning.PushImage(store, Repository, Target);

        var checks = await Verifier.Verify(image, Expected, stopAtFirstFailure: true);

        Assert.Equal(RefusalReason.MissingSignature, Assert.Single(checks).Refusal);
        Assert.StartsWith("release signature: no signature tag", checks[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attestations_signed_by_another_key_fail_the_provenance_and_the_scan_verdict_as_invalid_signatures()
    {
        var image = await Signed();
        await release.Attest(store, image, release.Approval(Target, deploymentId, PolicyOf(Target)), release.Verdict(image, Target, deploymentId), signer: stranger);

        var checks = await Verify(image);

        var provenance = Named(checks, "provenance");
        Assert.Equal(RefusalReason.InvalidSignature, provenance.Refusal);
        Assert.EndsWith($"does not verify with any trusted release key (Rollout:ReleaseKeys: {ReleaseSigning.KeyId}): the statement was changed after signing, or another key signed it",
            provenance.Detail, StringComparison.Ordinal);
        Assert.Equal(RefusalReason.InvalidSignature, Named(checks, "scan verdict").Refusal);
    }

    [Fact]
    public async Task Attestations_of_another_release_copied_beside_this_one_fail_as_a_digest_mismatch()
    {
        var image = await Signed();
        var other = "sha256:" + new string('a', 64);
        await release.Attest(store, image, release.Approval(Target, deploymentId, PolicyOf(Target)), release.Verdict(image, Target, deploymentId), subject: other);

        var checks = await Verify(image);

        Assert.Equal(ReleaseCheck.Refused(RefusalReason.DigestMismatch,
            $"provenance: the statement signed in {CosignAttestations.TagFor(image.Digest)} in {Repository} is about {other}, not {image.Digest}"), Named(checks, "provenance"));
        Assert.Equal(RefusalReason.DigestMismatch, Named(checks, "scan verdict").Refusal);
    }

    [Fact]
    public async Task A_changed_envelope_payload_fails_the_provenance()
    {
        var image = await Signed();
        await release.Attest(store, image, release.Approval(Target, deploymentId, PolicyOf(Target)), release.Verdict(image, Target, deploymentId));
        var attestations = JsonNode.Parse((await store.GetManifest(Repository, CosignAttestations.TagFor(image.Digest))).Content)!;
        var layers = attestations["layers"]!.AsArray();
        var provenanceLayer = layers.Single(l => l!["annotations"]!["predicateType"]!.GetValue<string>() == SlsaProvenance.PredicateType)!;
        var envelope = JsonNode.Parse(await store.GetBlob(Repository, provenanceLayer["digest"]!.GetValue<string>()))!;
        var statement = Encoding.UTF8.GetString(Convert.FromBase64String(envelope["payload"]!.GetValue<string>())).Replace(PolicyOf(Target), new string('b', 64), StringComparison.Ordinal);
        envelope["payload"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(statement));
        var changed = new Blob(Dsse.EnvelopeMediaType, Encoding.UTF8.GetBytes(envelope.ToJsonString()));
        await store.PutBlob(Repository, changed);
        provenanceLayer["digest"] = changed.Digest;
        provenanceLayer["size"] = changed.Size;
        await store.PutManifest(Repository, new Blob(OciMediaTypes.Manifest, Encoding.UTF8.GetBytes(attestations.ToJsonString())), CosignAttestations.TagFor(image.Digest));

        var provenance = Named(await Verify(image), "provenance");

        Assert.Equal(RefusalReason.InvalidSignature, provenance.Refusal);
        Assert.Contains("does not verify with any trusted release key", provenance.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_approval_by_a_key_the_rollout_does_not_trust_is_refused_naming_the_key()
    {
        var image = await Signed();
        var approval = release.Approvals.Sign(release.Approval(Target, deploymentId, PolicyOf(Target)) with { ApproverKeyId = "approvals-elsewhere" }, stranger);
        await release.Attest(store, image, approval, release.Verdict(image, Target, deploymentId));

        var check = Named(await Verify(image), "approval");

        Assert.Equal(ReleaseCheck.Refused(RefusalReason.ApprovalRefused, "approval: UnknownKey: The approval is signed with key 'approvals-elsewhere', which is not trusted here " +
            $"(trusted: {ApprovalSigning.KeyId}); configure it as Rollout:TrustedKeys:approvals-elsewhere."), check);
    }

    [Fact]
    public async Task An_approval_changed_after_signing_is_refused_as_an_invalid_signature()
    {
        var image = await Signed();
        var approval = release.Approval(Target with { PolicyVersion = "1.0.0" }, deploymentId, PolicyOf(Target)) with { PolicyVersion = "1.1.0" };
        await release.Attest(store, image, approval, release.Verdict(image, Target, deploymentId));

        var check = Named(await Verify(image), "approval");

        Assert.Equal(RefusalReason.ApprovalRefused, check.Refusal);
        Assert.StartsWith($"approval: InvalidSignature: The signature does not verify with key '{ApprovalSigning.KeyId}'", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_approval_outside_the_keys_scope_is_refused_as_not_authorized()
    {
        var image = await Signed(Target with { Environment = "qa" });
        await release.Attest(store, image, release.Approval(Target with { Environment = "qa" }, deploymentId, PolicyOf(Target)), release.Verdict(image, Target, deploymentId));

        var check = Named(await Verify(image, Expected with { Environment = "qa" }), "approval");

        Assert.Equal(ReleaseCheck.Refused(RefusalReason.ApprovalRefused, $"approval: KeyNotAuthorized: Key '{ApprovalSigning.KeyId}' may approve only for agencies [osha], " +
            "environments [production, staging], not for agency 'osha', environment 'qa'."), check);
    }

    [Fact]
    public async Task An_approval_given_long_ago_still_verifies_since_a_rollback_deploys_an_old_release()
    {
        var image = await Signed();
        var longAgo = new DateTimeOffset(2025, 10, 1, 9, 15, 0, TimeSpan.Zero);
        var old = release.Approvals.Sign(release.Approval(Target, deploymentId, PolicyOf(Target)) with { ApprovedAt = longAgo });
        await release.Attest(store, image, old, release.Verdict(image, Target, deploymentId));

        Assert.True(Named(await Verify(image), "approval").IsVerified);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("policy")]
    [InlineData("environment")]
    [InlineData("deployment")]
    public async Task An_approval_of_another_target_or_deployment_is_refused_as_a_target_mismatch(string differs)
    {
        var image = await Signed();
        var (target, id) = differs switch
        {
            "version" => (Target with { PolicyVersion = "1.0.0" }, deploymentId),
            "policy" => (Target with { PolicyName = "lab-safety" }, deploymentId),
            "environment" => (Target with { Environment = "staging" }, deploymentId),
            _ => (Target, Guid.NewGuid()),
        };
        await release.Attest(store, image, release.Approval(target, id, PolicyOf(Target)), release.Verdict(image, Target, deploymentId));

        var check = Named(await Verify(image), "approval");

        Assert.Equal(ReleaseCheck.Refused(RefusalReason.TargetMismatch,
            $"approval: the image was approved as {target.Agency}/{target.Environment} {target.PolicyName} {target.PolicyVersion} (deployment {id}), " +
            $"not as osha/production haz-fast 1.1.0 (deployment {deploymentId})"), check);
    }

    [Fact]
    public async Task An_approval_of_another_policy_than_the_one_in_the_image_fails_the_policy_hash()
    {
        var image = await Signed();
        var elsewhere = new string('c', 64);
        await release.Attest(store, image, release.Approval(Target, deploymentId, elsewhere), release.Verdict(image, Target, deploymentId));

        var checks = await Verify(image);

        Assert.True(Named(checks, "approval").IsVerified);
        Assert.Equal(ReleaseCheck.Refused(RefusalReason.DigestMismatch, $"policy hash: the approval signs policy SHA-256 {elsewhere}, but the image's policy is {PolicyOf(Target)} " +
            "(org.opencontainers.image.revision): the image is not the approved policy"), Named(checks, "policy hash"));
    }

    [Fact]
    public async Task A_provenance_stating_another_policy_than_the_image_fails_the_policy_hash()
    {
        var image = await Signed();
        var elsewhere = new string('d', 64);
        await release.Attest(store, image, release.Approval(Target, deploymentId, PolicyOf(Target)), release.Verdict(image, Target, deploymentId), provenanceSha256: elsewhere);

        Assert.Equal(ReleaseCheck.Refused(RefusalReason.DigestMismatch, $"policy hash: the provenance states policy SHA-256 {elsewhere}, but the image's policy is {PolicyOf(Target)} " +
            "(org.opencontainers.image.revision)"), Named(await Verify(image), "policy hash"));
    }

    [Fact]
    public async Task A_blocked_verdict_fails_the_scan_verdict()
    {
        var image = await Signed();
        await release.Attest(store, image, release.Approval(Target, deploymentId, PolicyOf(Target)), release.Verdict(image, Target, deploymentId, passed: false));

        Assert.Equal(ReleaseCheck.Refused(RefusalReason.ScanNotPassed, $"scan verdict: the Scanner's verdict of {image.Digest} for deployment {deploymentId} is blocked, not passed"),
            Named(await Verify(image), "scan verdict"));
    }

    [Fact]
    public async Task A_verdict_of_another_image_fails_the_scan_verdict_as_a_digest_mismatch()
    {
        var image = await Signed();
        var other = image with { Digest = "sha256:" + new string('e', 64) };
        await release.Attest(store, image, release.Approval(Target, deploymentId, PolicyOf(Target)), release.Verdict(other, Target, deploymentId));

        Assert.Equal(ReleaseCheck.Refused(RefusalReason.DigestMismatch, $"scan verdict: the Scanner passed {other.Digest}, not {image.Digest}"), Named(await Verify(image), "scan verdict"));
    }

    [Fact]
    public async Task A_verdict_of_another_deployment_fails_the_scan_verdict_as_a_target_mismatch()
    {
        var image = await Signed();
        var other = Guid.NewGuid();
        await release.Attest(store, image, release.Approval(Target, deploymentId, PolicyOf(Target)), release.Verdict(image, Target, other));

        var check = Named(await Verify(image), "scan verdict");

        Assert.Equal(RefusalReason.TargetMismatch, check.Refusal);
        Assert.StartsWith($"scan verdict: the Scanner passed the image for osha/production haz-fast 1.1.0 (deployment {other}), not for", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_verdict_the_scanner_did_not_sign_fails_the_scan_verdict_as_an_invalid_signature()
    {
        var image = await Signed();
        var forged = ScanVerdictCanonicalForm.Sign(release.Verdict(image, Target, deploymentId), ScanSigning.KeyId, stranger);
        await release.Attest(store, image, release.Approval(Target, deploymentId, PolicyOf(Target)), forged);

        Assert.Equal(ReleaseCheck.Refused(RefusalReason.InvalidSignature, $"scan verdict: The signature of the scan verdict does not verify with Scanner key '{ScanSigning.KeyId}': " +
            "the verdict was changed after signing, or signed with another key."), Named(await Verify(image), "scan verdict"));
    }

    [Fact]
    public async Task Attestations_without_a_scan_verdict_fail_the_scan_verdict_as_missing()
    {
        var image = await Signed();
        var approval = release.Approval(Target, deploymentId, PolicyOf(Target));
        var manifest = new Blob(OciMediaTypes.Manifest, Encoding.UTF8.GetBytes($$"""{"annotations":{"org.opencontainers.image.revision":"{{PolicyOf(Target)}}"},"layers":[]}"""));
        var statement = SlsaProvenance.Statement(manifest, new Blob(OciMediaTypes.Config, "{}"u8.ToArray()), Repository, Target, deploymentId, "urn:bpdp:builder", SignedForm.Of(approval));
        var subject = JsonNode.Parse(statement)!;
        subject["subject"]![0]!["digest"]!["sha256"] = image.Digest[7..];
        await CosignAttestations.Add(store, Repository, image.Digest, deploymentId,
            [(SlsaProvenance.PredicateType, Dsse.Sign(Dsse.InTotoPayloadType, Encoding.UTF8.GetBytes(subject.ToJsonString()), release.Key))]);

        var checks = await Verify(image);

        Assert.True(Named(checks, "policy hash").IsVerified);
        Assert.Equal(ReleaseCheck.Refused(RefusalReason.MissingSignature,
            $"scan verdict: {CosignAttestations.TagFor(image.Digest)} in {Repository} holds no attestation of type {ScanAttestation.PredicateType}"), Named(checks, "scan verdict"));
    }

    [Fact]
    public async Task Of_several_deployments_attested_for_one_image_the_one_named_is_checked()
    {
        var image = await Signed();
        var earlier = Guid.NewGuid();
        await release.Attest(store, image, release.Approval(Target, earlier, PolicyOf(Target)), release.Verdict(image, Target, earlier));
        await release.Attest(store, image, release.Approval(Target, deploymentId, PolicyOf(Target)), release.Verdict(image, Target, deploymentId));

        Assert.All(await Verify(image), c => Assert.True(c.IsVerified, c.Detail));
        Assert.All(await Verify(image, Expected with { DeploymentId = earlier }), c => Assert.True(c.IsVerified, c.Detail));
    }

    [Fact]
    public async Task Attestations_of_several_deployments_added_at_once_keep_every_layer_and_a_redelivery_adds_none()
    {
        var image = await Signed();
        var deployments = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToList();

        await Task.WhenAll(deployments.Select(id => Task.Run(() => release.Attest(store, image, release.Approval(Target, id, PolicyOf(Target)), release.Verdict(image, Target, id)))));
        await release.Attest(store, image, release.Approval(Target, deployments[0], PolicyOf(Target)), release.Verdict(image, Target, deployments[0]));

        var layers = JsonNode.Parse((await store.GetManifest(Repository, CosignAttestations.TagFor(image.Digest))).Content)!["layers"]!.AsArray();
        Assert.Equal(16, layers.Count);
        foreach (var id in deployments)
        {
            Assert.All(await Verify(image, Expected with { DeploymentId = id }), c => Assert.True(c.IsVerified, c.Detail));
        }
    }
}
