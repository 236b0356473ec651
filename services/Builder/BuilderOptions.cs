using System.ComponentModel.DataAnnotations;
using Bpdp.Platform.Bus;

namespace Bpdp.Builder;

/// <summary>Configuration section <c>Builder</c>.</summary>
public sealed class BuilderOptions : IStageOptions
{
    public const string Section = "Builder";

    /// <summary><c>Builder:Queue</c>: the queue the Builder reads approvals from.</summary>
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$", ErrorMessage = "Builder:Queue must be a kebab-case queue name.")]
    public string Queue { get; set; } = "builder";

    /// <summary><c>Builder:TrustedKeys:&lt;keyId&gt;</c>: path of the approval system's ECDSA P-256 public key (PEM) for that key id.</summary>
    public Dictionary<string, string> TrustedKeys { get; set; } = new(StringComparer.Ordinal);

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
}
