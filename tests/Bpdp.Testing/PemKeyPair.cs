using System.Security.Cryptography;

namespace Bpdp.Testing;

/// <summary>A fresh ECDSA P-256 key that a test writes out as a stage would be given it: <c>&lt;name&gt;.pub.pem</c> and <c>&lt;name&gt;.key.pem</c>.</summary>
public abstract class PemKeyPair(string name) : IDisposable
{
    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Writes the public key as PEM (SubjectPublicKeyInfo); returns its path.</summary>
    public string WritePublicKey(string directory)
    {
        var path = Path.Combine(directory, $"{name}.pub.pem");
        File.WriteAllText(path, Key.ExportSubjectPublicKeyInfoPem());
        return path;
    }

    /// <summary>Writes the private key as PEM (PKCS#8); returns its path.</summary>
    public string WritePrivateKey(string directory)
    {
        var path = Path.Combine(directory, $"{name}.key.pem");
        File.WriteAllText(path, Key.ExportPkcs8PrivateKeyPem());
        return path;
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Key.Dispose();
        }
    }
}
