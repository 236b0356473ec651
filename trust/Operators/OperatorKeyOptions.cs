namespace Bpdp.Trust.Operators;

/// <summary>
/// One trusted operator key (<c>…:OperatorKeys:&lt;keyId&gt;</c>): the public key, the agencies whose deployments
/// it may command, what it may command, and when it may be used. A key commands nothing outside its scope:
/// <c>*</c> must be written to mean every agency, and every role is listed by name.
/// </summary>
public sealed class OperatorKeyOptions
{
    /// <summary>The operator's ECDSA P-256 public key, PEM (SubjectPublicKeyInfo).</summary>
    public string? PublicKeyFile { get; set; }

    /// <summary>The agencies whose deployments the key may command; <c>*</c> for all.</summary>
    public List<string> Agencies { get; set; } = [];

    /// <summary>What the key may command: <c>Abort</c>, <c>Promote</c> or both.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>The key is not used before this instant (UTC); none: from the start.</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>The key is not used after this instant (UTC); none: until it is removed.</summary>
    public DateTimeOffset? NotAfter { get; set; }

    /// <summary>The roles as listed, for an entry without <see cref="Problems"/>.</summary>
    internal HashSet<OperatorRole> RoleSet() => Roles.Select(r => Parse(r) ?? throw new InvalidOperationException($"'{r}' is not an operator role.")).ToHashSet();

    /// <summary>What is wrong with this entry, each naming its key (<paramref name="prefix"/> is e.g. <c>Coordinator:OperatorKeys:ops-jane</c>).</summary>
    public IEnumerable<string> Problems(string prefix)
    {
        if (string.IsNullOrWhiteSpace(PublicKeyFile))
        {
            yield return $"{prefix}:PublicKeyFile is required: the path of the operator's public key (PEM). " +
                $"A key is configured as {prefix}:PublicKeyFile, {prefix}:Agencies and {prefix}:Roles.";
        }
        else if (!File.Exists(PublicKeyFile))
        {
            yield return $"{prefix}:PublicKeyFile names '{PublicKeyFile}', which does not exist.";
        }

        if (Agencies.Count == 0 || Agencies.Any(string.IsNullOrWhiteSpace))
        {
            yield return $"{prefix}:Agencies must list the agencies whose deployments this key may command ('*' for every agency).";
        }

        var roles = string.Join(" or ", Enum.GetNames<OperatorRole>());
        if (Roles.Count == 0)
        {
            yield return $"{prefix}:Roles must list what this key may command: {roles}.";
        }

        for (var i = 0; i < Roles.Count; i++)
        {
            if (Parse(Roles[i]) is null)
            {
                yield return $"{prefix}:Roles:{i} is '{Roles[i]}', which is not a role: {roles}.";
            }
        }

        if (NotBefore is { } from && NotAfter is { } to && to <= from)
        {
            yield return $"{prefix}:NotAfter ({to:O}) must be later than {prefix}:NotBefore ({from:O}).";
        }
    }

    private static OperatorRole? Parse(string? role)
    {
        foreach (var known in Enum.GetValues<OperatorRole>())
        {
            if (string.Equals(known.ToString(), role?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        return null;
    }
}
