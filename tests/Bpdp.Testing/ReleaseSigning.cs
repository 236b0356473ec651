using System.Security.Cryptography;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Trust.Release;

namespace Bpdp.Testing;

/// <summary>A Publisher's release key in miniature: signs digests in cosign's format as the Publisher does, and gives the Rollout its public half.</summary>
public sealed class ReleaseSigning() : PemKeyPair(KeyId)
{
    public const string KeyId = "release-test";

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
}
