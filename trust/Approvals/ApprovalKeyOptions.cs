namespace Bpdp.Trust.Approvals;

/// <summary>
/// One trusted approval key (<c>…:TrustedKeys:&lt;keyId&gt;</c>): the public key, the agencies and environments
/// whose deployments it may approve, and when it may be used. A key approves nothing outside its scope:
/// <c>*</c> must be written to mean every agency or every environment.
/// </summary>
public sealed class ApprovalKeyOptions
{
    /// <summary>The approval system's ECDSA P-256 public key, PEM (SubjectPublicKeyInfo).</summary>
    public string? PublicKeyFile { get; set; }

    /// <summary>The agencies the key may approve for; <c>*</c> for all.</summary>
    public List<string> Agencies { get; set; } = [];

    /// <summary>The environments the key may approve for; <c>*</c> for all.</summary>
    public List<string> Environments { get; set; } = [];

    /// <summary>The key is not used before this instant (UTC); none: from the start.</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>The key is not used after this instant (UTC); none: until it is removed.</summary>
    public DateTimeOffset? NotAfter { get; set; }

    /// <summary>What is wrong with this entry, each naming its key (<paramref name="prefix"/> is e.g. <c>Builder:TrustedKeys:approvals</c>).</summary>
    public IEnumerable<string> Problems(string prefix)
    {
        if (string.IsNullOrWhiteSpace(PublicKeyFile))
        {
            yield return $"{prefix}:PublicKeyFile is required: the path of the approval system's public key (PEM). " +
                $"A key is configured as {prefix}:PublicKeyFile, {prefix}:Agencies and {prefix}:Environments.";
        }
        else if (!File.Exists(PublicKeyFile))
        {
            yield return $"{prefix}:PublicKeyFile names '{PublicKeyFile}', which does not exist.";
        }

        if (Agencies.Count == 0 || Agencies.Any(string.IsNullOrWhiteSpace))
        {
            yield return $"{prefix}:Agencies must list the agencies this key approves for ('*' for every agency).";
        }

        if (Environments.Count == 0 || Environments.Any(string.IsNullOrWhiteSpace))
        {
            yield return $"{prefix}:Environments must list the environments this key approves for ('*' for every environment).";
        }

        if (NotBefore is { } from && NotAfter is { } to && to <= from)
        {
            yield return $"{prefix}:NotAfter ({to:O}) must be later than {prefix}:NotBefore ({from:O}).";
        }
    }
}
