using System.Security.Cryptography;
using Bpdp.Trust.Keys;

namespace Bpdp.Publisher.Signing;

/// <summary>The release signing key, loaded once from its PEM file; a missing or wrong file stops start-up naming it.</summary>
public static class SigningKey
{
    public static ECDsa FromPemFile(string path) => PrivateKeyPem.Read("Publisher:SigningKeyFile", path, "releases");
}
