using System.ComponentModel.DataAnnotations;
using Bpdp.Contracts;
using Bpdp.Platform.Bus;

namespace Bpdp.Scanner;

/// <summary>Configuration section <c>Scanner</c>.</summary>
public sealed class ScannerOptions : IStageOptions
{
    public const string Section = "Scanner";

    /// <summary><c>Scanner:Queue</c>: the queue built images are read from.</summary>
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$", ErrorMessage = "Scanner:Queue must be a kebab-case queue name.")]
    public string Queue { get; set; } = "scanner";

    /// <summary><c>Scanner:SecretRules:Files</c> and <c>Scanner:SecretRules:Disabled</c>.</summary>
    public SecretRulesOptions SecretRules { get; set; } = new();

    /// <summary><c>Scanner:OsvDatabase</c>: a directory of OSV JSON files; none: no vulnerability matching (said in the log).</summary>
    public string? OsvDatabase { get; set; }

    /// <summary><c>Scanner:IgnoreFile</c>: accepted findings, each with a reason and an expiry date.</summary>
    public string? IgnoreFile { get; set; }

    /// <summary><c>Scanner:BlockSecretsAt</c>: the lowest severity of a secret that blocks.</summary>
    public Severity BlockSecretsAt { get; set; } = Severity.High;

    /// <summary><c>Scanner:BlockVulnerabilitiesAt</c>: the lowest severity of a vulnerability that blocks.</summary>
    public Severity BlockVulnerabilitiesAt { get; set; } = Severity.High;

    /// <summary><c>Scanner:MaxFileBytes</c>: larger files are reported, not scanned.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    public sealed class SecretRulesOptions
    {
        /// <summary>Agency rule files, applied after the built-in rules.</summary>
        public List<string> Files { get; set; } = [];

        /// <summary>Rule ids to turn off.</summary>
        public List<string> Disabled { get; set; } = [];
    }
}
