using Bpdp.Coordinator.Saga;
using System.ComponentModel.DataAnnotations;

namespace Bpdp.Coordinator;

/// <summary>
/// Configuration section <c>Coordinator</c>: how long each stage may take before the deployment is
/// failed (before production) or rolled back (once green exists), and how often deadlines are swept.
/// </summary>
public sealed class CoordinatorOptions : IValidatableObject
{
    public const string Section = "Coordinator";

    /// <summary><c>Coordinator:Store</c>: <c>InMemory</c> (default; the embedded mode) or <c>Postgres</c> (several Coordinators, restarts).</summary>
    public SagaStoreKind Store { get; set; } = SagaStoreKind.InMemory;

    /// <summary><c>Coordinator:ConnectionString</c>: PostgreSQL, required for <c>Postgres</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary><c>Coordinator:Schema</c>: the PostgreSQL schema of the saga table.</summary>
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "Coordinator:Schema must be a lowercase SQL identifier.")]
    public string Schema { get; set; } = "coordinator";

    /// <summary><c>Coordinator:Queue</c>: the queue the saga reads.</summary>
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$", ErrorMessage = "Coordinator:Queue must be a kebab-case queue name.")]
    public string Queue { get; set; } = "coordinator";

    /// <summary><c>Coordinator:Deadlines:&lt;State&gt;</c>, in seconds, per saga state.</summary>
    public StageDeadlines Deadlines { get; set; } = new();

    /// <summary><c>Coordinator:SweepIntervalSeconds</c>: how often expired deadlines are looked for.</summary>
    [Range(1, 3600)]
    public int SweepIntervalSeconds { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Store == SagaStoreKind.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("Missing configuration key 'Coordinator:ConnectionString' (PostgreSQL for the deployment sagas); set it or Coordinator__ConnectionString, or use Coordinator:Store=InMemory.");
        }
    }

    public TimeSpan? DeadlineFor(string state) => state switch
    {
        nameof(DeploymentStateMachine.Building) => TimeSpan.FromSeconds(Deadlines.Building),
        nameof(DeploymentStateMachine.Scanning) => TimeSpan.FromSeconds(Deadlines.Scanning),
        nameof(DeploymentStateMachine.Publishing) => TimeSpan.FromSeconds(Deadlines.Publishing),
        nameof(DeploymentStateMachine.WaitingForTarget) => TimeSpan.FromSeconds(Deadlines.WaitingForTarget),
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

    /// <summary>Not a limit: how often a deployment waiting for its target checks again whether it is free.</summary>
    public double WaitingForTarget { get; set; } = 5;

    /// <summary>Longer than Rollout's own 600 s progress deadline, so Rollout normally reports first.</summary>
    public double DeployingGreen { get; set; } = 900;

    public double Analyzing { get; set; } = 1800;
    public double CuttingOver { get; set; } = 120;
    public double Soaking { get; set; } = 3600;
    public double RollingBack { get; set; } = 300;
}

/// <summary>Where deployment sagas are kept.</summary>
public enum SagaStoreKind
{
    /// <summary>In process: the embedded mode and unit tests.</summary>
    InMemory,

    /// <summary>PostgreSQL: any number of Coordinators, state survives restarts.</summary>
    Postgres,
}
