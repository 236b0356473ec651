using System.Security.Cryptography;
using Bpdp.Contracts;

namespace Bpdp.Scanner.Signing;

/// <summary>The Scanner's own key, by its id: signs every verdict it publishes, passed or blocked.</summary>
public sealed class VerdictSigner(string keyId, ECDsa key) : IDisposable
{
    public string KeyId { get; } = keyId;

    /// <summary>The verdict with <c>scannerKeyId</c> and <c>verdictSignature</c> over <see cref="ScanVerdictCanonicalForm"/>.</summary>
    public ImageScanned Sign(ImageScanned scan) => ScanVerdictCanonicalForm.Sign(scan, KeyId, key);

    public void Dispose() => key.Dispose();
}
