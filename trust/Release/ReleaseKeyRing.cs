using System.Security.Cryptography;
using Bpdp.Trust.Keys;

namespace Bpdp.Trust.Release;

/// <summary>The release public keys a stage trusts, by key id: a release signature must verify with one of them.</summary>
public sealed class ReleaseKeyRing : IDisposable
{
    private readonly IReadOnlyList<(string KeyId, ECDsa Key)> keys;

    public ReleaseKeyRing(string section, IEnumerable<(string KeyId, ECDsa Key)> keys)
    {
        Section = section;
        this.keys = [.. keys.OrderBy(k => k.KeyId, StringComparer.Ordinal)];
    }

    /// <summary>Where the keys are configured, e.g. <c>Rollout:ReleaseKeys</c>, for messages that tell an operator what to change.</summary>
    public string Section { get; }

    public IEnumerable<string> KeyIds => keys.Select(k => k.KeyId);

    /// <summary>
    /// Loads every configured key. A missing entry, file, a file that is not a PEM public key, or a key that is not
    /// ECDSA P-256 stops start-up with its configuration key (<paramref name="section"/>:<c>&lt;keyId&gt;</c>) and path.
    /// </summary>
    public static ReleaseKeyRing Load(string section, IReadOnlyDictionary<string, ReleaseKeyOptions> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var loaded = new List<(string KeyId, ECDsa Key)>();
        try
        {
            foreach (var (keyId, entry) in entries)
            {
                var prefix = $"{section}:{keyId}";
                if (entry.Problems(prefix).FirstOrDefault() is { } problem)
                {
                    throw new InvalidOperationException(problem);
                }

                loaded.Add((keyId, Read(prefix, entry.PublicKeyFile!)));
            }
        }
        catch
        {
            loaded.ForEach(k => k.Key.Dispose());
            throw;
        }

        return new ReleaseKeyRing(section, loaded);
    }

    /// <summary>The id of the first trusted key under which <paramref name="signature"/> (DER, as cosign writes it) verifies over <paramref name="payload"/>; null when none does.</summary>
    public string? Verifying(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> signature)
    {
        foreach (var (keyId, key) in keys)
        {
            if (key.VerifyData(payload, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
            {
                return keyId;
            }
        }

        return null;
    }

    /// <summary>An ECDSA P-256 public key from a PEM file; a private key is refused, since a verifier needs, and should hold, only the public half.</summary>
    internal static ECDsa Read(string prefix, string path) => PublicKeyPem.Read($"{prefix}:PublicKeyFile", path, "release", "releases");

    public void Dispose()
    {
        foreach (var (_, key) in keys)
        {
            key.Dispose();
        }
    }
}
