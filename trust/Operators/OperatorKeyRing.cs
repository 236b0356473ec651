using System.Security.Cryptography;
using Bpdp.Trust.Keys;

namespace Bpdp.Trust.Operators;

/// <summary>The operators' public keys the Coordinator trusts, by key id, each with its agencies, roles and validity.</summary>
public sealed class OperatorKeyRing : IDisposable
{
    private readonly Dictionary<string, OperatorKey> keys;

    public OperatorKeyRing(IEnumerable<OperatorKey> keys) => this.keys = keys.ToDictionary(k => k.KeyId, StringComparer.Ordinal);

    public IReadOnlyCollection<string> KeyIds => keys.Keys;

    /// <summary>
    /// Loads every configured key. An entry that is incomplete, names an unknown role, or a file that is missing or
    /// not an ECDSA P-256 public key stops start-up with its configuration key (<paramref name="section"/>, e.g.
    /// <c>Coordinator:OperatorKeys</c>) and path.
    /// </summary>
    public static OperatorKeyRing Load(string section, IReadOnlyDictionary<string, OperatorKeyOptions> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var loaded = new List<OperatorKey>();
        try
        {
            foreach (var (keyId, entry) in entries)
            {
                var prefix = $"{section}:{keyId}";
                if (entry.Problems(prefix).FirstOrDefault() is { } problem)
                {
                    throw new InvalidOperationException(problem);
                }

                loaded.Add(new OperatorKey(keyId, ReadPublicKey(prefix, entry.PublicKeyFile!), entry.Agencies.ToHashSet(StringComparer.Ordinal),
                    entry.RoleSet(), entry.NotBefore, entry.NotAfter));
            }
        }
        catch
        {
            loaded.ForEach(k => k.Dispose());
            throw;
        }

        return new OperatorKeyRing(loaded);
    }

    public bool TryGet(string keyId, out OperatorKey key) => keys.TryGetValue(keyId, out key!);

    private static ECDsa ReadPublicKey(string prefix, string path)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
        }
        catch (Exception error) when (error is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{prefix}:PublicKeyFile: '{path}' is not a PEM EC public key ({error.Message}).", error);
        }

        if (HoldsPrivateKey(key))
        {
            key.Dispose();
            throw new InvalidOperationException($"{prefix}:PublicKeyFile: '{path}' holds a private key; the Coordinator needs only the public one (<name>.pub.pem).");
        }

        if (!P256Curve.Holds(key))
        {
            var curve = P256Curve.Describe(key);
            key.Dispose();
            throw new InvalidOperationException($"{prefix}:PublicKeyFile: '{path}' is a key on {curve}; operator commands are signed with ECDSA P-256.");
        }

        return key;
    }

    private static bool HoldsPrivateKey(ECDsa key)
    {
        try
        {
            key.ExportParameters(includePrivateParameters: true);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var key in keys.Values)
        {
            key.Dispose();
        }
    }
}
