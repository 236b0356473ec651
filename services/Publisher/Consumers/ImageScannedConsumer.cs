using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.Images.Registry;
using Bpdp.Images;
using Bpdp.Platform.Bus;
using Bpdp.Platform.Security;
using Bpdp.Trust.Approvals;
using Bpdp.Trust.Attestations;
using Bpdp.Trust.Release;
using Bpdp.Trust.Scans;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bpdp.Publisher.Consumers;

/// <summary>
/// Releases a scanned image whose passed verdict the Scanner signed and whose approval the Builder attached: promote it by digest into
/// <c>&lt;agency&gt;/&lt;policy&gt;</c>, sign it, attach the SBOM and the approval as referrers, sign the provenance (which carries the approval)
/// and the scan verdict as attestations, and only then tag the version — so a version tag never points at an
/// unsigned image, and a failure leaves no tag. Versions are immutable: a tag that names another digest is
/// refused; the same digest again publishes the same event and signs nothing twice. Failed scans are not
/// this stage's business: the Coordinator ends those deployments. A passed verdict whose signature does not
/// verify is refused (<see cref="MessageRefused"/>) and nothing else: no image is promoted or signed, and the
/// deployment is not failed, since a forged verdict must not be able to end a real deployment.
/// </summary>
public sealed class ImageScannedConsumer(IImageStore store, ECDsa signingKey, ScanVerdictEvidence verdicts,
    [FromKeyedServices(PublisherStage.EvidenceKey)] ApprovalEvidence approvals, IOptions<PublisherOptions> options, TimeProvider time, ILogger<ImageScannedConsumer> logger)
    : IConsumer<ImageScanned>
{
    private static readonly StripedLock Releases = new();

    public async Task Consume(ConsumeContext<ImageScanned> context)
    {
        var scanned = context.Message;
        if (!scanned.Passed)
        {
            return;
        }

        var verdict = verdicts.Check(scanned);
        if (!verdict.IsVerified)
        {
            await context.Refuse(logger, new MessageRefused(scanned.DeploymentId, time.GetUtcNow(), PipelineStage.Publisher, nameof(ImageScanned), verdict.Reason!.Value, verdict.Message),
                scanned.Image.Digest);
            return;
        }

        var target = scanned.Target;
        var release = options.Value.RepositoryFor(target.Agency, target.PolicyName);
        var digest = scanned.Image.Digest;
        var cancel = context.CancellationToken;
        ImagePublished published;
        try
        {
            // Deployments of one image release it one at a time here: its signature, referrers and tag are each read, then written.
            using var releasing = await Releases.Acquire($"{release}@{digest}", cancel);
            var tagged = await store.FindManifest(release, target.PolicyVersion, cancel);
            if (tagged is not null && tagged.Digest != digest)
            {
                await Fail(context, $"{store.Qualify(release)}:{target.PolicyVersion} already names {tagged.Digest}, not {digest}: released versions are immutable; approve a new version.");
                return;
            }

            var quarantine = store.Unqualify(scanned.Image.Repository);
            if (await ApprovalOf(quarantine, scanned, context) is not { } approval)
            {
                return;
            }

            var manifest = await ImagePromoter.Promote(store, quarantine, release, digest, cancel);
            var signature = await Sign(release, digest, cancel);
            var sbom = scanned.SbomDigest is { } sbomDigest ? await AttachSbom(quarantine, release, digest, sbomDigest, cancel) : null;
            await ReferrersTag.Add(store, release, digest, await ImagePromoter.Promote(store, quarantine, release, approval.Manifest.Digest, cancel),
                ApprovalAttestation.ArtifactType, cancel);
            var provenance = await Attest(release, manifest, scanned, approval.Approval, cancel);
            if (tagged is null)
            {
                // Checked again just before the write: another Publisher may have released this version meanwhile.
                if (await store.FindManifest(release, target.PolicyVersion, cancel) is { } raced && raced.Digest != digest)
                {
                    await Fail(context,
                        $"{store.Qualify(release)}:{target.PolicyVersion} was released as {raced.Digest} while {digest} was being published: released versions are immutable; approve a new version.");
                    return;
                }

                await store.PutManifest(release, manifest, target.PolicyVersion, cancel);
            }

            var qualified = store.Qualify(release);
            published = new ImagePublished(scanned.DeploymentId, time.GetUtcNow(), target, new ImageReference(qualified, digest), target.PolicyVersion,
                $"{qualified}@{signature}", sbom is null ? null : $"{qualified}@{sbom}", $"{qualified}@{provenance}");
        }
        catch (Exception error) when (ImageStoreFailure.Is(error, cancel))
        {
            await Fail(context, $"{scanned.Image} could not be released to {store.Qualify(release)}:{target.PolicyVersion}: {error.Message}");
            return;
        }

        logger.LogInformation("Deployment {DeploymentId}: released {Image} as {Tag}, signed ({Signature})", scanned.DeploymentId, published.Image, published.Tag, published.SignatureReference);
        await context.PublishOnce(published, PipelineStage.Publisher);
    }

    /// <summary>Signs once: an existing signature of this digest is kept, since ECDSA signatures differ each time.</summary>
    private async Task<string> Sign(string release, string digest, CancellationToken cancel)
    {
        var tag = CosignSignature.TagFor(digest);
        if (await store.FindManifest(release, tag, cancel) is { } existing)
        {
            return existing.Digest;
        }

        return await CosignSignature.Push(store, release, signingKey, digest, cancel);
    }

    private async Task<string> AttachSbom(string quarantine, string release, string digest, string sbomDigest, CancellationToken cancel)
    {
        var sbom = await ImagePromoter.Promote(store, quarantine, release, sbomDigest, cancel);
        await ReferrersTag.Add(store, release, digest, sbom, "application/vnd.cyclonedx+json", cancel);
        return sbom.Digest;
    }

    /// <summary>
    /// The approval the Builder attached for this deployment, when its signature verifies with a key of
    /// <c>Publisher:TrustedKeys</c> that may approve for its target, and it names the verdict's target and the policy in
    /// the image; otherwise the deployment fails, naming why, and null. The Rollout checks it again from the release.
    /// </summary>
    private async Task<(SignedForm Approval, Blob Manifest)?> ApprovalOf(string quarantine, ImageScanned scanned, ConsumeContext<ImageScanned> context)
    {
        var cancel = context.CancellationToken;
        var found = await ApprovalAttestation.Find(store, quarantine, scanned.Image.Digest, scanned.DeploymentId, cancel);
        if (found is not { } approval || ApprovalForm.Parse(approval.Approval.CanonicalForm, out _) is not { } form)
        {
            await Fail(context, $"{scanned.Image} carries no approval of deployment {scanned.DeploymentId} ({ApprovalAttestation.ArtifactType} referrer): " +
                "the Builder attaches the approval it verified beside every image it builds, and only an approved image is released.");
            return null;
        }

        var check = approvals.CheckSigned(approval.Approval, out _);
        if (!check.IsAccepted)
        {
            await Fail(context, $"the approval attached to {scanned.Image} does not verify ({check.Reason}): {check.Message} Nothing was released.");
            return null;
        }

        var revision = ImageManifest.AnnotationOf(await store.GetManifest(quarantine, scanned.Image.Digest, cancel), ReleaseVerifier.RevisionAnnotation);
        if (form.Target != scanned.Target || form.PolicySha256 != revision)
        {
            await Fail(context, $"the approval attached to {scanned.Image} is for {form.Target} with policy SHA-256 {form.PolicySha256}, " +
                $"but the verdict is for {scanned.Target} and the image's policy is {revision ?? "unnamed"}: nothing was released.");
            return null;
        }

        return approval;
    }

    /// <summary>
    /// The provenance (with the approval in its external parameters) and the verified scan verdict, each an in-toto
    /// statement in a DSSE envelope signed with the release key, in cosign's attestation layout; once per deployment.
    /// </summary>
    private async Task<string> Attest(string release, Blob image, ImageScanned scanned, SignedForm approval, CancellationToken cancel)
    {
        var releasedAs = store.Qualify(release);
        var configBlob = await store.GetBlob(release, ImageManifest.Parse(image, $"{releasedAs}@{image.Digest}", store.Limits).Config, releasedAs, cancel);
        var provenance = SlsaProvenance.Statement(image, configBlob, releasedAs, scanned.Target, scanned.DeploymentId, options.Value.BuilderId, approval);
        var verdict = ScanAttestation.Statement(releasedAs, image.Digest, SignedForm.Of(scanned));
        return await CosignAttestations.Add(store, release, image.Digest, scanned.DeploymentId,
            [(SlsaProvenance.PredicateType, Dsse.Sign(Dsse.InTotoPayloadType, provenance, signingKey)), (ScanAttestation.PredicateType, Dsse.Sign(Dsse.InTotoPayloadType, verdict, signingKey))],
            cancel);
    }

    private async Task Fail(ConsumeContext<ImageScanned> context, string reason)
    {
        logger.LogError("Deployment {DeploymentId}: {Reason}", context.Message.DeploymentId, reason);
        await context.PublishOnce(new DeploymentFailed(context.Message.DeploymentId, time.GetUtcNow(), context.Message.Target, PipelineStage.Publisher, reason), PipelineStage.Publisher);
    }
}
