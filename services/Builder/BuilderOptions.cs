using System.ComponentModel.DataAnnotations;
using Bpdp.Platform.Bus;
using Bpdp.Trust.Approvals;

namespace Bpdp.Builder;

/// <summary>Configuration section <c>Builder</c>.</summary>
public sealed class BuilderOptions : IStageOptions, IValidatableObject
{
    public const string Section = "Builder";

    /// <summary><c>Builder:Queue</c>: the queue the Builder reads approvals from.</summary>
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$", ErrorMessage = "Builder:Queue must be a kebab-case queue name.")]
    public string Queue { get; set; } = "builder";

    /// <summary>
    /// <c>Builder:TrustedKeys:&lt;keyId&gt;</c>: the approval system's keys, each with <c>PublicKeyFile</c>, the
    /// <c>Agencies</c> and <c>Environments</c> it may approve for, and optionally <c>NotBefore</c> / <c>NotAfter</c>.
    /// </summary>
    public Dictionary<string, ApprovalKeyOptions> TrustedKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>Builder:MaxApprovalAgeHours</c>: approvals given longer ago than this are refused as stale, so an old approval cannot be replayed.</summary>
    [Range(0.01, 8760, ErrorMessage = "Builder:MaxApprovalAgeHours must be between 0.01 and 8760 (a year).")]
    public double MaxApprovalAgeHours { get; set; } = 24;

    /// <summary><c>Builder:ExecutorBinary</c>: the published executor (scripts/publish-executor.sh) that goes into every image.</summary>
    [Required(ErrorMessage = "Builder:ExecutorBinary is required: the path of the published executor (scripts/publish-executor.sh prints it).")]
    public string? ExecutorBinary { get; set; }

    /// <summary><c>Builder:BaseImage</c>: <c>repository@sha256:…</c> in the image store (scripts/build-base-image.sh); none for an executor-only image.</summary>
    [RegularExpression("^[a-z0-9./_-]+@sha256:[0-9a-f]{64}$", ErrorMessage = "Builder:BaseImage must name a repository by digest: repository@sha256:<64 hex>.")]
    public string? BaseImage { get; set; }

    /// <summary><c>Builder:QuarantineRepository</c>: where unscanned images go, as <c>&lt;this&gt;/&lt;agency&gt;/&lt;policy&gt;</c>.</summary>
    [RegularExpression("^[a-z0-9]+([._/-][a-z0-9]+)*$", ErrorMessage = "Builder:QuarantineRepository must be a repository path, e.g. quarantine.")]
    public string QuarantineRepository { get; set; } = "quarantine";

    /// <summary><c>Builder:LoadIntoDocker</c>: also load each built image into a local Docker engine (off by default).</summary>
    public bool LoadIntoDocker { get; set; }

    /// <summary><c>Builder:DockerHost</c>: the engine's endpoint when <see cref="LoadIntoDocker"/> is on.</summary>
    public Uri DockerHost { get; set; } = new("unix:///var/run/docker.sock");

    public string RepositoryFor(string agency, string policy) => $"{QuarantineRepository}/{agency}/{policy}";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        TrustedKeys.SelectMany(key => key.Value.Problems($"{Section}:{nameof(TrustedKeys)}:{key.Key}")).Select(problem => new ValidationResult(problem));
}
