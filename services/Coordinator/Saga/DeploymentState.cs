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

    /// <summary>The latest image reference seen: quarantine after the build, release after publishing.</summary>
    public ImageReference? Image { get; set; }

    /// <summary>The slot that holds the new version, once Rollout reported it ready.</summary>
    public Color? NewColor { get; set; }

    /// <summary>True once live traffic moved to the new color.</summary>
    public bool TrafficMoved { get; set; }

    public List<StageTiming> Stages { get; set; } = [];

    /// <summary>When the current stage must have reported; null in final states. Swept for <see cref="StageTimedOut"/>.</summary>
    public DateTimeOffset? DeadlineAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>Events that arrived after the deployment ended: recorded, never acted on.</summary>
    public int LateEvents { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
