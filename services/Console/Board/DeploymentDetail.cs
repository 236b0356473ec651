namespace Bpdp.WebConsole.Board;

/// <summary>One deployment's page: its summary, evidence references, time axis, gates and operator actions.</summary>
/// <param name="Summary">As the list shows it.</param>
/// <param name="TargetVerified">Its agency and environment come from a message whose sender was checked, not only from the ledger's replay.</param>
/// <param name="ApprovalReference">The approval system's reference.</param>
/// <param name="Image">The image, <c>repository@sha256:…</c>, once built.</param>
/// <param name="Tag">The release tag, once published.</param>
/// <param name="Signature">The release signature's reference (cosign's tag).</param>
/// <param name="Sbom">The SBOM attestation's reference.</param>
/// <param name="Provenance">The provenance attestation's reference.</param>
/// <param name="ScanPassed">The Scanner's verdict, once scanned.</param>
/// <param name="Stages">Every event, in time order.</param>
/// <param name="Gates">Every gate's verdict with its measurements.</param>
/// <param name="Actions">Aborts and promotions.</param>
public sealed record DeploymentDetail(
    DeploymentSummary Summary,
    bool TargetVerified,
    string? ApprovalReference,
    string? Image,
    string? Tag,
    string? Signature,
    string? Sbom,
    string? Provenance,
    bool? ScanPassed,
    IReadOnlyList<StageMark> Stages,
    IReadOnlyList<GateView> Gates,
    IReadOnlyList<OperatorAction> Actions);
