using System.Security.Cryptography;

namespace Bpdp.Publisher.Signing;

/// <summary>The release signing key, loaded once from its PEM file; a missing or wrong file stops start-up naming it.</summary>
public static class SigningKey
{
    public static ECDsa FromPemFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Publisher:SigningKeyFile names '{path}', which does not exist.");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
        }
        catch (ArgumentException error)
        {
            key.Dispose();
            throw new InvalidOperationException($"Publisher:SigningKeyFile '{path}' is not a PEM EC private key ({error.Message}).", error);
        }

        try
        {
            key.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException error)
        {
            key.Dispose();
            throw new InvalidOperationException($"Publisher:SigningKeyFile '{path}' holds a public key; it must be the private key.", error);
        }

        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new InvalidOperationException($"Publisher:SigningKeyFile '{path}' is a {key.KeySize}-bit key; releases are signed with ECDSA P-256.");
        }

        return key;
    }
}
