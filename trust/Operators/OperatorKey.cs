using System.Security.Cryptography;

namespace Bpdp.Trust.Operators;

/// <summary>A trusted operator key with its agencies, roles and validity window.</summary>
public sealed class OperatorKey(string keyId, ECDsa publicKey, IReadOnlySet<string> agencies, IReadOnlySet<OperatorRole> roles, DateTimeOffset? notBefore, DateTimeOffset? notAfter)
    : IDisposable
{
    public const string Any = "*";

    public string KeyId { get; } = keyId;

    public ECDsa PublicKey { get; } = publicKey;

    public IReadOnlySet<string> Agencies { get; } = agencies;

    public IReadOnlySet<OperatorRole> Roles { get; } = roles;

    public DateTimeOffset? NotBefore { get; } = notBefore;

    public DateTimeOffset? NotAfter { get; } = notAfter;

    /// <summary>The key commands an agency's deployments only when the agency is in its scope, or its scope is <c>*</c>.</summary>
    public bool Covers(string agency) => Agencies.Contains(Any) || Agencies.Contains(agency);

    /// <summary>The key may give a command only when its role is listed.</summary>
    public bool May(OperatorRole role) => Roles.Contains(role);

    /// <summary>The key is usable at <paramref name="instant"/> when that falls within its validity window, ends included.</summary>
    public bool ValidAt(DateTimeOffset instant) => (NotBefore is not { } from || instant >= from) && (NotAfter is not { } to || instant <= to);

    public string DescribeAgencies() => $"[{string.Join(", ", Agencies.Order(StringComparer.Ordinal))}]";

    public string DescribeRoles() => $"[{string.Join(", ", Roles.Order())}]";

    public string DescribeValidity() => $"{NotBefore?.ToString("O") ?? "the start"} to {NotAfter?.ToString("O") ?? "no end"}";

    public void Dispose() => PublicKey.Dispose();
}
