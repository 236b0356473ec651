using System.Diagnostics;
using Bpdp.Builder.Approval;
using Bpdp.Builder.Docker;
using Bpdp.Builder.Oci;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Registry;
using Bpdp.Platform.Bus;
using Bpdp.Trust.Attestations;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Bpdp.Builder.Consumers;

/// <summary>
/// Verifies an approval, builds its image into the quarantine repository, attaches the approval it verified beside
/// the image (<see cref="ApprovalAttestation"/>) and says so: <see cref="ImageBuilt"/>,
/// or <see cref="ArtifactRejected"/> with the specific reason, or <see cref="DeploymentFailed"/> when the
/// image store fails after its retries. A redelivered approval builds the same image (same digest; blobs
/// already stored are skipped) and publishes the same event under the same message id.
/// </summary>
public sealed class ArtifactApprovedConsumer(
    ApprovalVerifier verifier,
    PolicyImageBuilder builder,
    BuildInputs inputs,
    IImageStore store,
    DockerImageLoader docker,
    IOptions<BuilderOptions> options,
    TimeProvider time,
    ILogger<ArtifactApprovedConsumer> logger) : IConsumer<ArtifactApproved>
{
    public async Task Consume(ConsumeContext<ArtifactApproved> context)
    {
        var approval = context.Message;
        var started = time.GetTimestamp();
        var verdict = verifier.Verify(approval);
        if (verdict.Policy is not { } policy)
        {
            logger.LogWarning("Deployment {DeploymentId}: approval of {Policy} {Version} refused ({Reason}): {Message}",
                approval.DeploymentId, approval.PolicyName, approval.PolicyVersion, verdict.Reason, verdict.Message);
            await context.PublishOnce(verdict.ToRejection(approval, time.GetUtcNow()), PipelineStage.Builder);
            return;
        }

        var repository = options.Value.RepositoryFor(approval.Agency, approval.PolicyName);
        OciImage image;
        try
        {
            var (executor, baseImage) = await inputs.Get(context.CancellationToken);
            image = builder.Build(policy, approval.PolicyYaml, executor, approval.ApprovedAt, baseImage);
            if (await OtherApprovalOf(repository, image, approval, context.CancellationToken) is { } other)
            {
                logger.LogWarning("Deployment {DeploymentId}: refused, {Other}", approval.DeploymentId, other);
                await context.PublishOnce(new ArtifactRejected(approval.DeploymentId, time.GetUtcNow(), approval.Target, ApprovalRejectionReason.ReusedDeploymentId,
                    $"Deployment {approval.DeploymentId} was already built from {other}; a deployment is approved once: approve again under a new deployment id."),
                    PipelineStage.Builder);
                return;
            }

            await store.PushImage(repository, image, tag: null, context.CancellationToken);
            // Beside the image, not in it: the digest stays the policy's alone, and every later stage reads the approval from the store.
            await ApprovalAttestation.Attach(store, repository, image.Manifest, SignedForm.Of(approval), context.CancellationToken);
        }
        catch (Exception error) when (ImageStoreFailure.Is(error, context.CancellationToken))
        {
            logger.LogError("Deployment {DeploymentId}: the image of {Policy} {Version} could not be built into {Repository}: {Error}",
                approval.DeploymentId, approval.PolicyName, approval.PolicyVersion, store.Qualify(repository), error.Message);
            await context.PublishOnce(new DeploymentFailed(approval.DeploymentId, time.GetUtcNow(), approval.Target, PipelineStage.Builder,
                $"The image could not be built into {store.Qualify(repository)}: {error.Message}"), PipelineStage.Builder);
            return;
        }

        if (options.Value.LoadIntoDocker)
        {
            await docker.TryLoad(image, $"{store.Qualify(repository)}:{approval.PolicyVersion}", context.CancellationToken);
        }

        var elapsed = time.GetElapsedTime(started);
        logger.LogInformation("Deployment {DeploymentId}: built {Repository}@{Digest} ({Size} bytes) in {Elapsed} ms",
            approval.DeploymentId, store.Qualify(repository), image.Digest, image.Size, (int)elapsed.TotalMilliseconds);
        await context.PublishOnce(new ImageBuilt(approval.DeploymentId, time.GetUtcNow(), approval.Target,
            new ImageReference(store.Qualify(repository), image.Digest), image.Size, [.. image.Layers.Select(l => l.Digest)], elapsed), PipelineStage.Builder);
    }

    /// <summary>
    /// The Builder's memory of what it built is in the image store: the approval attached, by deployment, beside each
    /// image. The same approval again is a redelivery (or a replay, which the Coordinator refuses): built again, the
    /// same. Another approval, or another image, under a deployment id already built is refused.
    /// </summary>
    private async Task<string?> OtherApprovalOf(string repository, OciImage image, ArtifactApproved approval, CancellationToken cancel)
    {
        if (await store.FindManifest(repository, ApprovalAttestation.TagFor(approval.DeploymentId), cancel) is null)
        {
            return null;
        }

        var signed = SignedForm.Of(approval);
        return await ApprovalAttestation.Find(store, repository, image.Digest, approval.DeploymentId, cancel) is not { } previous
            ? $"another image than {image.Digest} (its approval is tagged {ApprovalAttestation.TagFor(approval.DeploymentId)} in {store.Qualify(repository)})"
            : previous.Approval.Signature != signed.Signature || !previous.Approval.CanonicalForm.AsSpan().SequenceEqual(signed.CanonicalForm)
                ? $"another approval of the same image (approved by key '{previous.Approval.KeyId}')"
                : null;
    }
}
