using System.Security.Cryptography;

namespace Bpdp.Trust.Keys;

/// <summary>The signature scheme of every BPDP canonical form: ECDSA P-256 over SHA-256, DER, base64.</summary>
public static class P256Signature
{
    /// <summary>The base64 <paramref name="signature"/> verifies with <paramref name="key"/> over <paramref name="data"/>; text that is not base64 does not.</summary>
    public static bool Verifies(ECDsa key, byte[] data, string signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(signature);
        var bytes = new byte[signature.Length];
        return Convert.TryFromBase64String(signature, bytes, out var length)
            && key.VerifyData(data, bytes.AsSpan(0, length), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }
}
