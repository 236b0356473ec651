using System.Diagnostics;
using Bpdp.Contracts;
using Bpdp.Coordinator;
using Bpdp.Trust.Approvals;
using Bpdp.Trust.Release;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.Bench.Pipeline;

/// <summary>
/// What verification adds to approval → green ready, measured in the process the embedded pipeline ran in, on the
/// evidence of the deployments it just ran: the checks on each deployment's path — the Builder's and the Coordinator's
/// approval checks and the Rollout's release checks (signature, provenance, approval, policy hash, scan verdict), read from the same image store — repeated and timed.
/// </summary>
internal static class VerificationCost
{
    /// <summary>The mean time of one deployment's verifications, in milliseconds; throws if any evidence does not verify.</summary>
    public static async Task<double> PerDeploymentMs(EmbeddedPipeline pipeline, int rounds = 50)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var builder = pipeline.Services.GetRequiredService<ApprovalEvidence>();
        var coordinator = pipeline.Services.GetRequiredKeyedService<ApprovalEvidence>(CoordinatorStage.ApprovalEvidenceKey);
        var release = pipeline.Services.GetRequiredService<ReleaseVerifier>();
        var evidence = pipeline.Approved
            .Select(approval => (approval, released: pipeline.Recorder.For(approval.DeploymentId).Select(m => m.Message).OfType<ImagePublished>().FirstOrDefault()))
            .Where(pair => pair.released is not null)
            .Select(pair => (pair.approval, image: pair.released!.Image))
            .ToList();
        if (evidence.Count == 0)
        {
            throw new InvalidOperationException("no deployment of the run was released: nothing to verify");
        }

        await VerifyAll(evidence, builder, coordinator, release);
        var watch = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        {
            await VerifyAll(evidence, builder, coordinator, release);
        }

        return watch.Elapsed.TotalMilliseconds / (rounds * evidence.Count);
    }

    private static async Task VerifyAll(List<(ArtifactApproved Approval, ImageReference Image)> evidence, ApprovalEvidence builder, ApprovalEvidence coordinator,
        ReleaseVerifier release)
    {
        foreach (var (approval, image) in evidence)
        {
            if (builder.Check(approval) is { IsAccepted: false } refusedByBuilder)
            {
                throw new InvalidOperationException($"the Builder's check refused {approval.DeploymentId}: {refusedByBuilder.Message}");
            }

            if (coordinator.Check(approval) is { IsAccepted: false } refusedByCoordinator)
            {
                throw new InvalidOperationException($"the Coordinator's check refused {approval.DeploymentId}: {refusedByCoordinator.Message}");
            }

            var expected = new ReleaseExpectation(approval.Agency, approval.PolicyName, approval.PolicyVersion, approval.Environment, approval.DeploymentId);
            if ((await release.Verify(image, expected, stopAtFirstFailure: true)).FirstOrDefault(c => !c.IsVerified) is { } refusedByRollout)
            {
                throw new InvalidOperationException($"the Rollout's check refused {image}: {refusedByRollout.Detail}");
            }
        }
    }
}
