using System.Security.Cryptography;

namespace Bpdp.Trust.Keys;

/// <summary>NIST P-256 (secp256r1), the one curve BPDP signatures use.</summary>
public static class P256Curve
{
    /// <summary>The curve's object identifier.</summary>
    public const string Oid = "1.2.840.10045.3.1.7";

    /// <summary>The key is on P-256: its size alone would also admit other 256-bit curves such as secp256k1.</summary>
    public static bool Holds(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.ExportParameters(includePrivateParameters: false).Curve.Oid?.Value == Oid;
    }

    /// <summary>The key's curve for an error message: its name, or its object identifier.</summary>
    public static string Describe(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var oid = key.ExportParameters(includePrivateParameters: false).Curve.Oid;
        return oid?.FriendlyName ?? oid?.Value ?? $"an unnamed {key.KeySize}-bit curve";
    }
}
