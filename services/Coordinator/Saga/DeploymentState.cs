using Bpdp.Contracts;
using MassTransit;

namespace Bpdp.Coordinator.Saga;

/// <summary>One deployment as the Coordinator tracks it. Kept after it ends, so late and duplicate events find it and are ignored.</summary>
public sealed class DeploymentState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public int Version { get; set; }

    public string CurrentState { get; set; } = "";

    public DeploymentTarget? Target { get; set; }

    /// <summary>True once the Coordinator verified the deployment's approval itself; nothing is commanded before.</summary>
    public bool ApprovalVerified { get; set; }

    /// <summary>The latest image reference seen: quarantine after the build, release after publishing.</summary>
    public ImageReference? Image { get; set; }

    /// <summary>The image the Builder reported; every later stage must name its digest.</summary>
    public ImageReference? BuiltImage { get; set; }

    /// <summary>The image whose scan passed.</summary>
    public ImageReference? ScannedImage { get; set; }

    /// <summary>The released image the Publisher reported, which <see cref="DeployGreen"/> names.</summary>
    public ImageReference? ReleasedImage { get; set; }

    /// <summary>A stage's event that arrived before the one it follows (or before the verified approval), held until that one arrives.</summary>
    public ImageBuilt? HeldBuilt { get; set; }

    /// <inheritdoc cref="HeldBuilt"/>
    public ImageScanned? HeldScan { get; set; }

    /// <inheritdoc cref="HeldBuilt"/>
    public ImagePublished? HeldPublished { get; set; }

    /// <summary>Messages for this deployment refused because their evidence did not hold (each also a <see cref="MessageRefused"/>).</summary>
    public int RefusedMessages { get; set; }

    /// <summary>The slot that holds the new version, once Rollout reported it ready.</summary>
    public Color? NewColor { get; set; }

    /// <summary>True once live traffic moved to the new color.</summary>
    public bool TrafficMoved { get; set; }

    public List<StageTiming> Stages { get; set; } = [];

    /// <summary>How long the approved policy's pre-promotion analysis runs (interval × count), in seconds: its deadline follows it.</summary>
    public double? AnalysisSeconds { get; set; }

    /// <summary>The approved policy's soak, in seconds: the post-promotion deadline follows it.</summary>
    public double? SoakSeconds { get; set; }

    /// <summary>The approved policy says <c>deploy.promotion: manual</c>: a passed pre-promotion gate pauses for <c>bpdp promote</c>.</summary>
    public bool ManualPromotion { get; set; }

    /// <summary>The approved policy says <c>onInconclusive: rollback</c>; otherwise an inconclusive gate pauses.</summary>
    public bool RollBackWhenInconclusive { get; set; }

    /// <summary>Each gate's measurements summed up per metric, from its last verdict.</summary>
    public List<KpiSummary> Kpis { get; set; } = [];

    /// <summary>While paused: what the deployment waits for, in words.</summary>
    public string? WaitingFor { get; set; }

    /// <summary>When the current stage must have reported; null in final states. Swept for <see cref="StageTimedOut"/>.</summary>
    public DateTimeOffset? DeadlineAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>The operator whose signed <see cref="PromoteDeployment"/> ended the soak early, as verified: <c>requestedBy (key id)</c>.</summary>
    public string? PromotedBy { get; set; }

    /// <summary>Events that arrived after the deployment ended: recorded, never acted on.</summary>
    public int LateEvents { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
