using System.ComponentModel.DataAnnotations;
using Bpdp.Platform.Bus;

namespace Bpdp.Ledger;

/// <summary>Configuration section <c>Ledger</c>.</summary>
public sealed class LedgerOptions : IValidatableObject, IStageOptions
{
    public const string Section = "Ledger";

    /// <summary><c>Ledger:Store</c>: <c>Postgres</c> (default) or <c>Sqlite</c> (the embedded mode).</summary>
    public LedgerStoreKind Store { get; set; } = LedgerStoreKind.Postgres;

    /// <summary><c>Ledger:ConnectionString</c>: PostgreSQL, as the ledger role that may only INSERT and SELECT. Required for <c>Postgres</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary><c>Ledger:SqlitePath</c>: the SQLite file. Required for <c>Sqlite</c>.</summary>
    public string? SqlitePath { get; set; }

    /// <summary><c>Ledger:MigrationConnectionString</c>: optional; when set, the schema, triggers and role grants are applied with it at start (an owner's connection).</summary>
    public string? MigrationConnectionString { get; set; }

    /// <summary><c>Ledger:Schema</c>: the PostgreSQL schema holding the ledger tables.</summary>
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "Ledger:Schema must be a lowercase SQL identifier.")]
    public string Schema { get; set; } = "ledger";

    /// <summary><c>Ledger:Role</c>: the role the service connects as; the migration grants it INSERT and SELECT only.</summary>
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "Ledger:Role must be a lowercase SQL identifier.")]
    public string Role { get; set; } = "bpdp_ledger";

    /// <summary><c>Ledger:SigningKeyFile</c>: PEM file with the ECDSA P-256 private key that signs checkpoints.</summary>
    [Required(ErrorMessage = "Missing configuration key 'Ledger:SigningKeyFile' (a PEM ECDSA P-256 private key for checkpoints; "
        + "`openssl ecparam -name prime256v1 -genkey -noout -out ledger.key.pem`).")]
    public string? SigningKeyFile { get; set; }

    /// <summary><c>Ledger:CheckpointIntervalSeconds</c>: how often a checkpoint is signed when the ledger has grown.</summary>
    [Range(1, 86_400)]
    public int CheckpointIntervalSeconds { get; set; } = 60;

    /// <summary><c>Ledger:Queue</c>: the queue the ledger reads, bound to every pipeline message.</summary>
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$", ErrorMessage = "Ledger:Queue must be a kebab-case queue name.")]
    public string Queue { get; set; } = "ledger";

    /// <summary><c>Ledger:BatchSize</c>: the most messages appended in one transaction.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Store == LedgerStoreKind.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                "Missing configuration key 'Ledger:ConnectionString' (PostgreSQL, as the ledger's INSERT/SELECT role); set it or Ledger__ConnectionString, or use Ledger:Store=Sqlite.");
        }

        if (Store == LedgerStoreKind.Sqlite && string.IsNullOrWhiteSpace(SqlitePath))
        {
            yield return new ValidationResult("Missing configuration key 'Ledger:SqlitePath' (the SQLite file of the embedded ledger); set it or Ledger__SqlitePath.");
        }
    }
}

/// <summary>Where the ledger is kept.</summary>
public enum LedgerStoreKind
{
    /// <summary>PostgreSQL: production and the distributed mode.</summary>
    Postgres,

    /// <summary>One SQLite file: the embedded, all-in-one mode.</summary>
    Sqlite,
}
