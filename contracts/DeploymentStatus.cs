namespace Bpdp.Contracts;

/// <summary>The Coordinator's answer to <see cref="GetDeploymentStatus"/>.</summary>
/// <param name="DeploymentId">The deployment asked about.</param>
/// <param name="Found">False when the Coordinator has never seen this deployment; the other fields are then empty.</param>
/// <param name="State">The saga's state, e.g. <c>Analyzing</c> or <c>Live</c>.</param>
/// <param name="Target">What is being deployed and where.</param>
/// <param name="Stages">Each stage's start and end, in order.</param>
/// <param name="LastError">The most recent failure reason, if any.</param>
/// <param name="UpdatedAt">When the state last changed.</param>
/// <param name="RefusedMessages">Messages for this deployment the Coordinator refused because their evidence did not hold (each a <see cref="MessageRefused"/> in the ledger).</param>
/// <param name="LateEvents">Events that arrived after the deployment ended: counted, never acted on.</param>
/// <param name="WaitingFor">While <c>Paused</c>: why the deployment waits for an operator (a manual promotion, an inconclusive analysis).</param>
/// <param name="DeadlineAt">When the current stage must end; a paused deployment is rolled back then.</param>
/// <param name="Kpis">Each KPI gate's verdict summed up per metric (every measurement is in the verdict, in the ledger).</param>
public sealed record DeploymentStatus(
    Guid DeploymentId,
    bool Found,
    string? State = null,
    DeploymentTarget? Target = null,
    IReadOnlyList<StageTiming>? Stages = null,
    string? LastError = null,
    DateTimeOffset? UpdatedAt = null,
    int RefusedMessages = 0,
    int LateEvents = 0,
    string? WaitingFor = null,
    DateTimeOffset? DeadlineAt = null,
    IReadOnlyList<KpiSummary>? Kpis = null);

/// <summary>When one stage of a deployment ran.</summary>
/// <param name="Stage">The saga state the stage corresponds to, e.g. <c>Building</c>.</param>
/// <param name="StartedAt">When it began.</param>
/// <param name="EndedAt">When it ended; null while it runs.</param>
public sealed record StageTiming(string Stage, DateTimeOffset StartedAt, DateTimeOffset? EndedAt);
