using System.Security.Cryptography;

namespace Bpdp.Trust.Keys;

/// <summary>Reads a stage's own signing key from a PEM file, once at start: private, ECDSA, P-256.</summary>
public static class PrivateKeyPem
{
    /// <summary>
    /// An ECDSA P-256 private key from <paramref name="path"/>. A file that is missing, not a PEM EC key, only a
    /// public key, or a key on another curve throws, naming <paramref name="setting"/> (e.g. <c>Publisher:SigningKeyFile</c>) and the path.
    /// </summary>
    /// <param name="signed">What the key signs, e.g. <c>releases</c>.</param>
    public static ECDsa Read(string setting, string path, string signed)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{setting} names '{path}', which does not exist.");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
        }
        catch (ArgumentException error)
        {
            key.Dispose();
            throw new InvalidOperationException($"{setting} '{path}' is not a PEM EC private key ({error.Message}).", error);
        }

        try
        {
            key.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException error)
        {
            key.Dispose();
            throw new InvalidOperationException($"{setting} '{path}' holds a public key; it must be the private key.", error);
        }

        if (!P256Curve.Holds(key))
        {
            var curve = P256Curve.Describe(key);
            key.Dispose();
            throw new InvalidOperationException($"{setting} '{path}' is a key on {curve}; {signed} are signed with ECDSA P-256.");
        }

        return key;
    }
}
