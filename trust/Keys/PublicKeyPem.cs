using System.Security.Cryptography;

namespace Bpdp.Trust.Keys;

/// <summary>Reads the public half of a signing key from a PEM file, as every verifying stage must: public, ECDSA, P-256.</summary>
public static class PublicKeyPem
{
    /// <summary>
    /// An ECDSA P-256 public key from <paramref name="path"/>. A file that is missing, not PEM, a private key (a
    /// verifier needs, and should hold, only the public half), or a key on another curve throws, naming
    /// <paramref name="setting"/> (e.g. <c>Rollout:ReleaseKeys:release:PublicKeyFile</c>) and the path.
    /// </summary>
    /// <param name="keyName">What the key is called in messages and in its file's name, e.g. <c>release</c>.</param>
    /// <param name="signed">What the key signs, e.g. <c>releases</c>.</param>
    public static ECDsa Read(string setting, string path, string keyName, string signed)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{setting} names '{path}', which does not exist.");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{setting}: '{path}' cannot be read ({error.Message}).", error);
        }

        if (!PemEncoding.TryFind(text, out var fields))
        {
            throw new InvalidOperationException($"{setting}: '{path}' is not PEM; it must hold the {keyName} public key (-----BEGIN PUBLIC KEY-----).");
        }

        var label = text[fields.Label];
        if (label != "PUBLIC KEY")
        {
            throw new InvalidOperationException(label.Contains("PRIVATE", StringComparison.Ordinal)
                ? $"{setting}: '{path}' holds a private key; give this stage only the public key (openssl ec -in {keyName}.key.pem -pubout -out {keyName}.pub.pem)."
                : $"{setting}: '{path}' holds a PEM '{label}', not a PUBLIC KEY.");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(text);
            if (!P256Curve.Holds(key))
            {
                throw new InvalidOperationException($"{setting}: '{path}' is a {key.KeySize}-bit EC key of another curve; {signed} are signed with ECDSA P-256.");
            }
        }
        catch (Exception error) when (error is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{setting}: '{path}' is not an ECDSA public key ({error.Message}).", error);
        }
        catch
        {
            key.Dispose();
            throw;
        }

        return key;
    }
}
