using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Bpdp.Contracts;
using Bpdp.Platform.Bus;
using Bpdp.Trust.Keys;

namespace Bpdp.Scanner;

/// <summary>Configuration section <c>Scanner</c>.</summary>
public sealed class ScannerOptions : IStageOptions, IValidatableObject
{
    public const string Section = "Scanner";

    /// <summary><c>Scanner:Queue</c>: the queue built images are read from.</summary>
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$", ErrorMessage = "Scanner:Queue must be a kebab-case queue name.")]
    public string Queue { get; set; } = "scanner";

    /// <summary><c>Scanner:SigningKeyFile</c>: PEM ECDSA P-256 private key that signs every verdict; the Publisher holds its public half.</summary>
    [Required(ErrorMessage = "Scanner:SigningKeyFile is required: a PEM ECDSA P-256 private key that signs scan verdicts (`openssl ecparam -name prime256v1 -genkey -noout -out scanner.key.pem`).")]
    public string? SigningKeyFile { get; set; }

    /// <summary><c>Scanner:SigningKeyId</c>: the id verdicts name their key by; the Publisher trusts it as <c>Publisher:ScannerKeys:&lt;id&gt;</c>.</summary>
    [Required(ErrorMessage = "Scanner:SigningKeyId is required: the id the Publisher trusts the Scanner's public key under (Publisher:ScannerKeys:<id>).")]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", ErrorMessage = "Scanner:SigningKeyId must be letters, digits, '.', '_' or '-', at most 64.")]
    public string? SigningKeyId { get; set; }

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

    /// <summary>
    /// <c>Scanner:MaxFileBytes</c>: larger files are hashed and reported as <c>file-too-large</c> (High: blocks), not scanned;
    /// never below the policy's own limit, so the policy is always read.
    /// </summary>
    [Range(1024 * 1024, long.MaxValue, ErrorMessage = "Scanner:MaxFileBytes must be at least 1048576 (1 MiB, the largest policy file), so the policy itself is always scanned.")]
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The signing key is read at start, so a wrong file stops the Scanner before it takes a message.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(SigningKeyFile))
        {
            yield break;
        }

        string? problem = null;
        try
        {
            ReadSigningKey().Dispose();
        }
        catch (InvalidOperationException error)
        {
            problem = error.Message;
        }

        if (problem is not null)
        {
            yield return new ValidationResult(problem);
        }
    }

    /// <summary>The key that signs verdicts, from <see cref="SigningKeyFile"/>; throws naming the setting when the file is not an ECDSA P-256 private key.</summary>
    public ECDsa ReadSigningKey() => PrivateKeyPem.Read($"{Section}:{nameof(SigningKeyFile)}", SigningKeyFile!, "scan verdicts");

    public sealed class SecretRulesOptions
    {
        /// <summary>Agency rule files, applied after the built-in rules.</summary>
        public List<string> Files { get; set; } = [];

        /// <summary>Rule ids to turn off.</summary>
        public List<string> Disabled { get; set; } = [];
    }
}
