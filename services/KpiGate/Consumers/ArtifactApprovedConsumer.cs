using Bpdp.Contracts;
using Bpdp.KpiGate.Runs;
using Bpdp.Platform.Security;
using Bpdp.Trust.Approvals;
using MassTransit;

namespace Bpdp.KpiGate.Consumers;

/// <summary>
/// Keeps each deployment's policy as its approval carried it, once the approval verifies under <c>KpiGate:TrustedKeys</c>
/// (signature, key scope, age, and the policy's SHA-256): the gate's thresholds come from here, never from the executor it judges.
/// </summary>
public sealed class ArtifactApprovedConsumer([FromKeyedServices(KpiGateStage.ApprovalEvidenceKey)] ApprovalEvidence evidence, IAnalysisStore store, TimeProvider time,
    ILogger<ArtifactApprovedConsumer> logger) : IConsumer<ArtifactApproved>
{
    public async Task Consume(ConsumeContext<ArtifactApproved> context)
    {
        var approval = context.Message;
        var check = evidence.Check(approval);
        if (check.Reason is { } reason)
        {
            await context.Refuse(logger, new MessageRefused(approval.DeploymentId, time.GetUtcNow(), PipelineStage.KpiGate, nameof(ArtifactApproved), RefusalReason.ApprovalRefused,
                $"{reason}: {check.Message}"));
            return;
        }

        await store.Keep(new ApprovedPolicy(approval.DeploymentId, approval.Target,
            approval.PolicyYaml, approval.PolicySha256, approval.ApproverId), time.GetUtcNow(), context.CancellationToken);
    }
}
