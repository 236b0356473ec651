using System.Security.Cryptography;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Trust.Release;

namespace Bpdp.Testing;

/// <summary>A Publisher's release key in miniature: signs digests in cosign's format as the Publisher does, and gives the Rollout its public half.</summary>
public sealed class ReleaseSigning : IDisposable
{
    public const string KeyId = "release-test";

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Writes the public key as PEM, for <c>Rollout:ReleaseKeys:&lt;KeyId&gt;:PublicKeyFile</c>; returns its path.</summary>
    public string WritePublicKey(string directory)
    {
        var path = Path.Combine(directory, $"{KeyId}.pub.pem");
        File.WriteAllText(path, Key.ExportSubjectPublicKeyInfoPem());
        return path;
    }

    /// <summary>Writes the private key as PEM, for <c>Publisher:SigningKeyFile</c>; returns its path.</summary>
    public string WritePrivateKey(string directory)
    {
        var path = Path.Combine(directory, $"{KeyId}.key.pem");
        File.WriteAllText(path, Key.ExportPkcs8PrivateKeyPem());
        return path;
    }

    /// <summary>The Rollout's settings trusting this key, its public key written to <paramref name="directory"/>.</summary>
    public Dictionary<string, string?> RolloutSettings(string directory) => new()
    {
        [$"Rollout:ReleaseKeys:{KeyId}:PublicKeyFile"] = WritePublicKey(directory),
    };

    /// <summary>Signs <paramref name="image"/> in <paramref name="store"/>, where the image need not exist; returns the image.</summary>
    public async Task<ImageReference> Sign(IImageStore store, ImageReference image, ECDsa? signer = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(image);
        await CosignSignature.Push(store, store.Unqualify(image.Repository), signer ?? Key, image.Digest);
        return image;
    }

    public void Dispose() => Key.Dispose();
}
