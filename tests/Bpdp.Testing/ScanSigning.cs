using System.Security.Cryptography;
using Bpdp.Contracts;

namespace Bpdp.Testing;

/// <summary>A Scanner's verdict key in miniature: signs <see cref="ImageScanned"/> as the Scanner does, and gives the Publisher its public half.</summary>
public sealed class ScanSigning() : PemKeyPair(KeyId)
{
    public const string KeyId = "scanner-test";

    /// <summary>The Scanner's settings signing with this key, its private key written to <paramref name="directory"/>.</summary>
    public Dictionary<string, string?> ScannerSettings(string directory) => new()
    {
        ["Scanner:SigningKeyFile"] = WritePrivateKey(directory),
        ["Scanner:SigningKeyId"] = KeyId,
    };

    /// <summary>The Publisher's settings trusting this key, its public key written to <paramref name="directory"/>.</summary>
    public Dictionary<string, string?> PublisherSettings(string directory) => new()
    {
        [$"Publisher:ScannerKeys:{KeyId}:PublicKeyFile"] = WritePublicKey(directory),
    };

    /// <summary>The verdict signed as the Scanner signs it, by this key or <paramref name="signer"/> under <paramref name="keyId"/>.</summary>
    public ImageScanned Sign(ImageScanned scan, ECDsa? signer = null, string keyId = KeyId) => ScanVerdictCanonicalForm.Sign(scan, keyId, signer ?? Key);
}
