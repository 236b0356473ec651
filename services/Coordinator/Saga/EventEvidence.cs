using Bpdp.Contracts;

namespace Bpdp.Coordinator.Saga;

/// <summary>
/// The consistency rules between a deployment's events, as pure functions of what the saga holds: every event
/// names the target of the verified approval, and each stage names the image the stage before it reported —
/// the scan the built image, the release the scanned digest, the new color the released image. An event that
/// repeats what the saga holds has no problem (it is a duplicate); one that differs is refused, and never
/// replaces the image the saga holds.
/// </summary>
public static class EventEvidence
{
    public static EvidenceProblem? Of(DeploymentState saga, ImageBuilt built)
    {
        ArgumentNullException.ThrowIfNull(saga);
        ArgumentNullException.ThrowIfNull(built);
        return OfTarget(saga, built.Target) ?? Differs("the Builder reported", saga.BuiltImage, built.Image, digestOnly: false);
    }

    public static EvidenceProblem? Of(DeploymentState saga, ImageScanned scan)
    {
        ArgumentNullException.ThrowIfNull(saga);
        ArgumentNullException.ThrowIfNull(scan);
        return OfTarget(saga, scan.Target)
            ?? Differs("the Builder reported", saga.BuiltImage, scan.Image, digestOnly: false)
            ?? (saga.ScannedImage is not null && !scan.Passed
                ? new EvidenceProblem(RefusalReason.DigestMismatch, $"a scan of {scan.Image} already passed; this one says it did not")
                : null);
    }

    public static EvidenceProblem? Of(DeploymentState saga, ImagePublished published)
    {
        ArgumentNullException.ThrowIfNull(saga);
        ArgumentNullException.ThrowIfNull(published);
        return OfTarget(saga, published.Target)
            ?? Differs("passed the scan", saga.ScannedImage, published.Image, digestOnly: true)
            ?? Differs("the Publisher released", saga.ReleasedImage, published.Image, digestOnly: false);
    }

    public static EvidenceProblem? Of(DeploymentState saga, GreenReady green)
    {
        ArgumentNullException.ThrowIfNull(saga);
        ArgumentNullException.ThrowIfNull(green);
        return OfTarget(saga, green.Target) ?? Differs("the Publisher released", saga.ReleasedImage, green.Image, digestOnly: false);
    }

    /// <summary>
    /// The target every event names must be the one the verified approval names: agency, environment, policy and version. A
    /// deployment the Coordinator never verified approved (a row saved before approvals were verified) accepts no event.
    /// </summary>
    public static EvidenceProblem? OfTarget(DeploymentState saga, DeploymentTarget target)
    {
        ArgumentNullException.ThrowIfNull(saga);
        ArgumentNullException.ThrowIfNull(target);
        if (!saga.ApprovalVerified)
        {
            return new EvidenceProblem(RefusalReason.NotApproved, "the deployment's approval was never verified by the Coordinator");
        }

        return saga.Target is { } approved && approved != target
            ? new EvidenceProblem(RefusalReason.TargetMismatch, $"it names {Describe(target)}, but the deployment was approved for {Describe(approved)}")
            : null;
    }

    /// <summary>
    /// A problem when a held event and a newly arrived one of the same kind claim different things (<paramref name="claim"/>:
    /// target, image and, for a scan, its verdict): the first one held stays, the second is refused.
    /// </summary>
    public static EvidenceProblem? Conflicts<T>(T? held, T arrived, Func<T, object> claim)
        where T : class, IPipelineMessage
    {
        ArgumentNullException.ThrowIfNull(arrived);
        ArgumentNullException.ThrowIfNull(claim);
        return held is not null && !claim(held).Equals(claim(arrived))
            ? new EvidenceProblem(RefusalReason.DigestMismatch, $"another {typeof(T).Name} for this deployment, claiming {claim(held)}, arrived first and is held")
            : null;
    }

    private static EvidenceProblem? Differs(string what, ImageReference? expected, ImageReference actual, bool digestOnly) =>
        expected is null || (digestOnly ? expected.Digest == actual.Digest : expected == actual)
            ? null
            : new EvidenceProblem(RefusalReason.DigestMismatch, $"it names {actual}, but the image {what} is {expected}");

    private static string Describe(DeploymentTarget target) => $"{target.Agency}/{target.Environment} {target.PolicyName} {target.PolicyVersion}";
}
