using System.ComponentModel.DataAnnotations;

namespace Bpdp.Coordinator;

/// <summary>
/// Configuration section <c>Coordinator</c>: how long each stage may take before the deployment is
/// failed (before production) or rolled back (once green exists), and how often deadlines are swept.
/// </summary>
public sealed class CoordinatorOptions
{
    public const string Section = "Coordinator";

    /// <summary><c>Coordinator:Deadlines:&lt;State&gt;</c>, in seconds, per saga state.</summary>
    public StageDeadlines Deadlines { get; set; } = new();

    /// <summary><c>Coordinator:SweepIntervalSeconds</c>: how often expired deadlines are looked for.</summary>
    [Range(1, 3600)]
    public int SweepIntervalSeconds { get; set; } = 5;

    public TimeSpan? DeadlineFor(string state) => state switch
    {
        nameof(DeploymentStateMachine.Building) => TimeSpan.FromSeconds(Deadlines.Building),
        nameof(DeploymentStateMachine.Scanning) => TimeSpan.FromSeconds(Deadlines.Scanning),
        nameof(DeploymentStateMachine.Publishing) => TimeSpan.FromSeconds(Deadlines.Publishing),
        nameof(DeploymentStateMachine.DeployingGreen) => TimeSpan.FromSeconds(Deadlines.DeployingGreen),
        nameof(DeploymentStateMachine.Analyzing) => TimeSpan.FromSeconds(Deadlines.Analyzing),
        nameof(DeploymentStateMachine.CuttingOver) => TimeSpan.FromSeconds(Deadlines.CuttingOver),
        nameof(DeploymentStateMachine.Soaking) => TimeSpan.FromSeconds(Deadlines.Soaking),
        nameof(DeploymentStateMachine.RollingBack) => TimeSpan.FromSeconds(Deadlines.RollingBack),
        _ => null,
    };
}

/// <summary>Per-state deadlines in seconds, with defaults sized for real builds, scans and analyses.</summary>
public sealed class StageDeadlines
{
    public double Building { get; set; } = 600;
    public double Scanning { get; set; } = 600;
    public double Publishing { get; set; } = 600;

    /// <summary>Longer than Rollout's own 600 s progress deadline, so Rollout normally reports first.</summary>
    public double DeployingGreen { get; set; } = 900;

    public double Analyzing { get; set; } = 1800;
    public double CuttingOver { get; set; } = 120;
    public double Soaking { get; set; } = 3600;
    public double RollingBack { get; set; } = 300;
}
