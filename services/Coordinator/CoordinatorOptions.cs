using System.ComponentModel.DataAnnotations;
using Bpdp.Coordinator.Saga;
using Bpdp.Platform.Bus;
using Bpdp.Trust.Approvals;
using Bpdp.Trust.Operators;

namespace Bpdp.Coordinator;

/// <summary>
/// Configuration section <c>Coordinator</c>: how long each stage may take before the deployment is
/// failed (before production) or rolled back (once green exists), and how often deadlines are swept.
/// </summary>
public sealed class CoordinatorOptions : IValidatableObject, IStageOptions
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

    /// <summary>
    /// <c>Coordinator:TrustedKeys:&lt;keyId&gt;</c>: the approval system's keys the saga verifies each approval with before it
    /// commands anything, configured as the Builder's (<c>PublicKeyFile</c>, <c>Agencies</c>, <c>Environments</c>, <c>NotBefore</c>, <c>NotAfter</c>).
    /// </summary>
    public Dictionary<string, ApprovalKeyOptions> TrustedKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>Coordinator:MaxApprovalAgeHours</c>: approvals given longer ago than this are refused as stale.</summary>
    [Range(0.01, 8760, ErrorMessage = "Coordinator:MaxApprovalAgeHours must be between 0.01 and 8760 (a year).")]
    public double MaxApprovalAgeHours { get; set; } = 24;

    /// <summary>
    /// <c>Coordinator:OperatorKeys:&lt;keyId&gt;</c>: the operators' public keys, each with <c>PublicKeyFile</c>, the <c>Agencies</c> whose
    /// deployments it may command and its <c>Roles</c> (<c>Abort</c>, <c>Promote</c>); an abort or promotion not signed by one is refused.
    /// </summary>
    public Dictionary<string, OperatorKeyOptions> OperatorKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>Coordinator:MaxOperatorCommandAgeMinutes</c>: signed operator commands older than this are refused, so a captured one cannot be replayed.</summary>
    [Range(0.1, 1440, ErrorMessage = "Coordinator:MaxOperatorCommandAgeMinutes must be between 0.1 and 1440 (a day).")]
    public double MaxOperatorCommandAgeMinutes { get; set; } = 10;

    /// <summary><c>Coordinator:Deadlines:&lt;State&gt;</c>, in seconds, per saga state.</summary>
    public StageDeadlines Deadlines { get; set; } = new();

    /// <summary><c>Coordinator:SweepIntervalSeconds</c>: how often expired deadlines are looked for.</summary>
    [Range(1, 3600)]
    public int SweepIntervalSeconds { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var problem in TrustedKeys.SelectMany(key => key.Value.Problems($"{Section}:{nameof(TrustedKeys)}:{key.Key}"))
            .Concat(OperatorKeys.SelectMany(key => key.Value.Problems($"{Section}:{nameof(OperatorKeys)}:{key.Key}"))))
        {
            yield return new ValidationResult(problem);
        }

        if (Store == SagaStoreKind.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                "Missing configuration key 'Coordinator:ConnectionString' (PostgreSQL for the deployment sagas); set it or Coordinator__ConnectionString, or use Coordinator:Store=InMemory.");
        }
    }

    /// <summary>How long a deployment may stay in <paramref name="state"/>, as <see cref="StateTable"/> assigns it; null in final states and for names that are no state.</summary>
    public TimeSpan? DeadlineFor(string state) => StateTable.Find(state)?.Deadline is { } deadline ? TimeSpan.FromSeconds(deadline(Deadlines)) : null;
}
