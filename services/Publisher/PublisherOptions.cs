using System.ComponentModel.DataAnnotations;
using Bpdp.Platform.Bus;

namespace Bpdp.Publisher;

/// <summary>Configuration section <c>Publisher</c>.</summary>
public sealed class PublisherOptions : IStageOptions
{
    public const string Section = "Publisher";

    /// <summary><c>Publisher:Queue</c>: the queue scan results are read from.</summary>
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$", ErrorMessage = "Publisher:Queue must be a kebab-case queue name.")]
    public string Queue { get; set; } = "publisher";

    /// <summary><c>Publisher:SigningKeyFile</c>: PEM ECDSA P-256 private key that signs releases (cosign format).</summary>
    [Required(ErrorMessage = "Publisher:SigningKeyFile is required: a PEM ECDSA P-256 private key (`openssl ecparam -name prime256v1 -genkey -noout -out release.key.pem`).")]
    public string? SigningKeyFile { get; set; }

    /// <summary><c>Publisher:ReleaseRepositoryPrefix</c>: released images go to <c>[&lt;prefix&gt;/]&lt;agency&gt;/&lt;policy&gt;</c>.</summary>
    [RegularExpression("^([a-z0-9]+([._/-][a-z0-9]+)*)?$", ErrorMessage = "Publisher:ReleaseRepositoryPrefix must be empty or a repository path.")]
    public string ReleaseRepositoryPrefix { get; set; } = "";

    /// <summary><c>Publisher:BuilderId</c>: the SLSA builder id written into provenance.</summary>
    public string BuilderId { get; set; } = "urn:bpdp:builder";

    public string RepositoryFor(string agency, string policy) =>
        ReleaseRepositoryPrefix.Length == 0 ? $"{agency}/{policy}" : $"{ReleaseRepositoryPrefix}/{agency}/{policy}";
}
