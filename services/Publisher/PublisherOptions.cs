using System.ComponentModel.DataAnnotations;
using Bpdp.Platform.Bus;
using Bpdp.Trust.Approvals;
using Bpdp.Trust.Scans;

namespace Bpdp.Publisher;

/// <summary>Configuration section <c>Publisher</c>.</summary>
public sealed class PublisherOptions : IStageOptions, IValidatableObject
{
    public const string Section = "Publisher";

    /// <summary><c>Publisher:Queue</c>: the queue scan results are read from.</summary>
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$", ErrorMessage = "Publisher:Queue must be a kebab-case queue name.")]
    public string Queue { get; set; } = "publisher";

    /// <summary><c>Publisher:SigningKeyFile</c>: PEM ECDSA P-256 private key that signs releases (cosign format).</summary>
    [Required(ErrorMessage = "Publisher:SigningKeyFile is required: a PEM ECDSA P-256 private key (`openssl ecparam -name prime256v1 -genkey -noout -out release.key.pem`).")]
    public string? SigningKeyFile { get; set; }

    /// <summary>
    /// <c>Publisher:ScannerKeys:&lt;keyId&gt;:PublicKeyFile</c> (and optional <c>NotBefore</c>, <c>NotAfter</c>): the public halves of the
    /// Scanner's signing keys (several while a key is rotated). At least one is required: only a passed verdict whose signature
    /// verifies with one is released.
    /// </summary>
    public Dictionary<string, ScannerKeyOptions> ScannerKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>Publisher:ReleaseRepositoryPrefix</c>: released images go to <c>[&lt;prefix&gt;/]&lt;agency&gt;/&lt;policy&gt;</c>.</summary>
    [RegularExpression("^([a-z0-9]+([._/-][a-z0-9]+)*)?$", ErrorMessage = "Publisher:ReleaseRepositoryPrefix must be empty or a repository path.")]
    public string ReleaseRepositoryPrefix { get; set; } = "";

    /// <summary><c>Publisher:BuilderId</c>: the SLSA builder id written into provenance.</summary>
    public string BuilderId { get; set; } = "urn:bpdp:builder";

    /// <summary>
    /// <c>Publisher:TrustedKeys:&lt;keyId&gt;</c>: the approval system's keys, as <c>Builder:TrustedKeys</c> (<c>PublicKeyFile</c>, <c>Agencies</c>,
    /// <c>Environments</c>, optionally <c>NotBefore</c> / <c>NotAfter</c>). At least one is required: only an image whose attached approval
    /// verifies with one, for the verdict's target, is released.
    /// </summary>
    public Dictionary<string, ApprovalKeyOptions> TrustedKeys { get; set; } = new(StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TrustedKeys.Count == 0)
        {
            yield return new ValidationResult($"{Section}:{nameof(TrustedKeys)} is required: the Publisher releases only images whose attached approval verifies, so give it the " +
                $"approval system's public key as {Section}:{nameof(TrustedKeys)}:<keyId>:PublicKeyFile, with its Agencies and Environments (as Builder:TrustedKeys).");
        }

        foreach (var problem in TrustedKeys.SelectMany(key => key.Value.Problems($"{Section}:{nameof(TrustedKeys)}:{key.Key}")))
        {
            yield return new ValidationResult(problem);
        }

        if (ScannerKeys.Count == 0)
        {
            yield return new ValidationResult($"{Section}:{nameof(ScannerKeys)} is required: the Publisher releases only verdicts the Scanner signed, so give it " +
                $"the Scanner's public key as {Section}:{nameof(ScannerKeys)}:<keyId>:PublicKeyFile (openssl ec -in scanner.key.pem -pubout -out scanner.pub.pem).");
        }

        foreach (var problem in ScannerKeys.SelectMany(key => key.Value.Problems($"{Section}:{nameof(ScannerKeys)}:{key.Key}")))
        {
            yield return new ValidationResult(problem);
        }
    }

    public string RepositoryFor(string agency, string policy) =>
        ReleaseRepositoryPrefix.Length == 0 ? $"{agency}/{policy}" : $"{ReleaseRepositoryPrefix}/{agency}/{policy}";
}
