namespace Bpdp.Coordinator;

/// <summary>Per-state deadlines in seconds, with defaults sized for real builds, scans and analyses.</summary>
public sealed class StageDeadlines
{
    /// <summary>How long a stage's event for a deployment may wait for the approval the Coordinator must verify first, before it is refused.</summary>
    public double AwaitingApproval { get; set; } = 300;

    public double Building { get; set; } = 600;
    public double Scanning { get; set; } = 600;
    public double Publishing { get; set; } = 600;

    /// <summary>Not a limit: how often a deployment waiting for its target checks again whether it is free.</summary>
    public double WaitingForTarget { get; set; } = 5;

    /// <summary>Longer than Rollout's own 600 s progress deadline, so Rollout normally reports first.</summary>
    public double DeployingGreen { get; set; } = 900;

    public double Analyzing { get; set; } = 1800;
    public double CuttingOver { get; set; } = 120;
    public double Soaking { get; set; } = 3600;
    public double RollingBack { get; set; } = 300;

    /// <summary>How long a paused deployment (manual promotion, an inconclusive gate) waits for an operator before it is rolled back.</summary>
    public double Paused { get; set; } = 3600;

    /// <summary>
    /// Added to a deployment's own analysis length and soak (from its approved policy) when those are longer than
    /// <see cref="Analyzing"/> or <see cref="Soaking"/>: time for the gate's first data, a replica taking over a run, a pause.
    /// </summary>
    public double AnalysisMargin { get; set; } = 600;
}
