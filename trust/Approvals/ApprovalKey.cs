using System.Security.Cryptography;

namespace Bpdp.Trust.Approvals;

/// <summary>A trusted approval key with its scope and validity window.</summary>
public sealed class ApprovalKey(string keyId, ECDsa publicKey, IReadOnlySet<string> agencies, IReadOnlySet<string> environments, DateTimeOffset? notBefore, DateTimeOffset? notAfter)
    : IDisposable
{
    public const string Any = "*";

    public string KeyId { get; } = keyId;

    public ECDsa PublicKey { get; } = publicKey;

    public IReadOnlySet<string> Agencies { get; } = agencies;

    public IReadOnlySet<string> Environments { get; } = environments;

    public DateTimeOffset? NotBefore { get; } = notBefore;

    public DateTimeOffset? NotAfter { get; } = notAfter;

    /// <summary>The key approves for an agency and an environment only when both are in its scope, or its scope is <c>*</c>.</summary>
    public bool Covers(string agency, string environment) =>
        (Agencies.Contains(Any) || Agencies.Contains(agency)) && (Environments.Contains(Any) || Environments.Contains(environment));

    /// <summary>The key is usable at <paramref name="instant"/> when that falls within its validity window, ends included.</summary>
    public bool ValidAt(DateTimeOffset instant) => (NotBefore is not { } from || instant >= from) && (NotAfter is not { } to || instant <= to);

    public string DescribeScope() =>
        $"agencies [{string.Join(", ", Agencies.Order(StringComparer.Ordinal))}], environments [{string.Join(", ", Environments.Order(StringComparer.Ordinal))}]";

    public string DescribeValidity() => $"{NotBefore?.ToString("O") ?? "the start"} to {NotAfter?.ToString("O") ?? "no end"}";

    public void Dispose() => PublicKey.Dispose();
}
