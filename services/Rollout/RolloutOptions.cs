using System.ComponentModel.DataAnnotations;
using Bpdp.Platform.Bus;
using Bpdp.Rollout.Targets;
using Bpdp.Trust.Approvals;
using Bpdp.Trust.Release;
using Bpdp.Trust.Scans;

namespace Bpdp.Rollout;

/// <summary>How the local target runs executors: as processes of the image's own binary, or hosted in this process.</summary>
public enum ExecutorRunner
{
    /// <summary>The image's <c>/usr/local/bin/bpdp-executor</c>, unpacked, as a process of the data plane (<c>bpdp-dataplane</c>), which restarts it if it crashes and outlives the Rollout.</summary>
    Process,

    /// <summary>
    /// The executor library inside this process, with the image's policy, behind proxies of this process: for machines without
    /// the native executor (the demo). Nothing serves once the process ends.
    /// </summary>
    InProcess,
}

/// <summary>Configuration section <c>Rollout</c>.</summary>
public sealed class RolloutOptions : IValidatableObject, IStageOptions
{
    public const string Section = "Rollout";

    /// <summary><c>Rollout:Queue</c>: the queue rollout commands are read from.</summary>
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$", ErrorMessage = "Rollout:Queue must be a kebab-case queue name.")]
    public string Queue { get; set; } = "rollout";

    /// <summary><c>Rollout:WorkDirectory</c>: where images are unpacked for the local target.</summary>
    public string WorkDirectory { get; set; } = "rollout";

    /// <summary><c>Rollout:Runner</c>: how the local target runs executors.</summary>
    public ExecutorRunner Runner { get; set; } = ExecutorRunner.Process;

    /// <summary><c>Rollout:DataPlane</c>: the process serving the local target's executors (for <see cref="ExecutorRunner.Process"/>).</summary>
    public Local.DataPlaneOptions DataPlane { get; set; } = new();

    /// <summary><c>Rollout:ListenAddress</c>: the address the local services and executors listen on.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary><c>Rollout:ProgressDeadlineSeconds</c>: how long a new color may take to become ready.</summary>
    [Range(1, 86_400)]
    public int ProgressDeadlineSeconds { get; set; } = 600;

    /// <summary><c>Rollout:ScaleDownDelaySeconds</c>: how long the old color stays warm after a deployment is finalized (as Argo's scaleDownDelaySeconds).</summary>
    [Range(0, 86_400)]
    public int ScaleDownDelaySeconds { get; set; } = 30;

    /// <summary><c>Rollout:ScrapeTargetsDirectory</c>: where the local target writes Prometheus <c>file_sd</c> files naming its executors; none when empty.</summary>
    public string? ScrapeTargetsDirectory { get; set; }

    /// <summary>
    /// <c>Rollout:Targets</c>: where each agency's environment runs. Empty: every deployment runs on the local
    /// target. Otherwise only the listed agency/environment pairs can be deployed.
    /// </summary>
    public List<TargetOptions> Targets { get; set; } = [];

    /// <summary>
    /// <c>Rollout:ReleaseKeys:&lt;keyId&gt;:PublicKeyFile</c>: the public halves of the Publisher's signing keys (several
    /// while a key is rotated). At least one is required: only an image whose release signature verifies with one is deployed.
    /// </summary>
    public Dictionary<string, ReleaseKeyOptions> ReleaseKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// <c>Rollout:TrustedKeys:&lt;keyId&gt;</c>: the approval system's keys, as <c>Builder:TrustedKeys</c> (<c>PublicKeyFile</c>, <c>Agencies</c>,
    /// <c>Environments</c>, optionally <c>NotBefore</c> / <c>NotAfter</c>). At least one is required: the approval a release's provenance carries must
    /// verify with one, and name the deployment, before it is deployed.
    /// </summary>
    public Dictionary<string, ApprovalKeyOptions> TrustedKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// <c>Rollout:ScannerKeys:&lt;keyId&gt;:PublicKeyFile</c> (and optional <c>NotBefore</c>, <c>NotAfter</c>), as <c>Publisher:ScannerKeys</c>. At least one
    /// is required: the scan verdict attested with a release must verify with one, and say passed for its digest.
    /// </summary>
    public Dictionary<string, ScannerKeyOptions> ScannerKeys { get; set; } = new(StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReleaseKeys.Count == 0)
        {
            yield return new ValidationResult($"{Section}:{nameof(ReleaseKeys)} is required: the Rollout deploys only images whose release signature verifies, so give it " +
                $"the Publisher's public key as {Section}:{nameof(ReleaseKeys)}:<keyId>:PublicKeyFile (openssl ec -in release.key.pem -pubout -out release.pub.pem).");
        }

        foreach (var problem in ReleaseKeys.SelectMany(key => key.Value.Problems($"{Section}:{nameof(ReleaseKeys)}:{key.Key}")))
        {
            yield return new ValidationResult(problem);
        }

        if (TrustedKeys.Count == 0)
        {
            yield return new ValidationResult($"{Section}:{nameof(TrustedKeys)} is required: the Rollout deploys only releases whose approval verifies, so give it the approval " +
                $"system's public key as {Section}:{nameof(TrustedKeys)}:<keyId>:PublicKeyFile, with its Agencies and Environments (as Builder:TrustedKeys).");
        }

        foreach (var problem in TrustedKeys.SelectMany(key => key.Value.Problems($"{Section}:{nameof(TrustedKeys)}:{key.Key}")))
        {
            yield return new ValidationResult(problem);
        }

        if (ScannerKeys.Count == 0)
        {
            yield return new ValidationResult($"{Section}:{nameof(ScannerKeys)} is required: the Rollout deploys only releases whose scan verdict the Scanner signed, so give it " +
                $"the Scanner's public key as {Section}:{nameof(ScannerKeys)}:<keyId>:PublicKeyFile (openssl ec -in scanner.key.pem -pubout -out scanner.pub.pem).");
        }

        foreach (var problem in ScannerKeys.SelectMany(key => key.Value.Problems($"{Section}:{nameof(ScannerKeys)}:{key.Key}")))
        {
            yield return new ValidationResult(problem);
        }

        foreach (var (target, index) in Targets.Select((t, i) => (t, i)))
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(target, new ValidationContext(target), results, validateAllProperties: true))
            {
                foreach (var result in results)
                {
                    yield return new ValidationResult($"Rollout:Targets:{index}: {result.ErrorMessage}");
                }
            }
        }

        foreach (var duplicate in Targets.GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult($"Rollout:Targets names {duplicate.Key} {duplicate.Count()} times; each agency/environment has one target");
        }
    }
}
