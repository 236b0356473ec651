using System.Security.Cryptography;

namespace Bpdp.Trust.Scans;

/// <summary>A trusted Scanner key with its validity window.</summary>
public sealed class ScannerKey(string keyId, ECDsa publicKey, DateTimeOffset? notBefore, DateTimeOffset? notAfter) : IDisposable
{
    public string KeyId { get; } = keyId;

    public ECDsa PublicKey { get; } = publicKey;

    public DateTimeOffset? NotBefore { get; } = notBefore;

    public DateTimeOffset? NotAfter { get; } = notAfter;

    /// <summary>The key is usable at <paramref name="instant"/> when that falls within its validity window, ends included.</summary>
    public bool ValidAt(DateTimeOffset instant) => (NotBefore is not { } from || instant >= from) && (NotAfter is not { } to || instant <= to);

    public string DescribeValidity() => $"{NotBefore?.ToString("O") ?? "the start"} to {NotAfter?.ToString("O") ?? "no end"}";

    public void Dispose() => PublicKey.Dispose();
}
