using System.Security.Cryptography;

namespace Bpdp.Trust.Approvals;

/// <summary>The approval system's public keys a stage trusts, by key id, each with its scope and validity.</summary>
public sealed class ApprovalKeyRing : IDisposable
{
    private readonly Dictionary<string, ApprovalKey> keys;

    public ApprovalKeyRing(IEnumerable<ApprovalKey> keys) => this.keys = keys.ToDictionary(k => k.KeyId, StringComparer.Ordinal);

    public IReadOnlyCollection<string> KeyIds => keys.Keys;

    /// <summary>
    /// Loads every configured key. An entry that is incomplete, a file that is missing or not an ECDSA P-256
    /// public key stops start-up with its configuration key (<paramref name="section"/>, e.g. <c>Builder:TrustedKeys</c>) and path.
    /// </summary>
    public static ApprovalKeyRing Load(string section, IReadOnlyDictionary<string, ApprovalKeyOptions> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var loaded = new List<ApprovalKey>();
        try
        {
            foreach (var (keyId, entry) in entries)
            {
                var prefix = $"{section}:{keyId}";
                if (entry.Problems(prefix).FirstOrDefault() is { } problem)
                {
                    throw new InvalidOperationException(problem);
                }

                loaded.Add(new ApprovalKey(keyId, ReadPublicKey(prefix, entry.PublicKeyFile!), entry.Agencies.ToHashSet(StringComparer.Ordinal),
                    entry.Environments.ToHashSet(StringComparer.Ordinal), entry.NotBefore, entry.NotAfter));
            }
        }
        catch
        {
            loaded.ForEach(k => k.Dispose());
            throw;
        }

        return new ApprovalKeyRing(loaded);
    }

    public bool TryGet(string keyId, out ApprovalKey key) => keys.TryGetValue(keyId, out key!);

    private static ECDsa ReadPublicKey(string prefix, string path)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
        }
        catch (ArgumentException error)
        {
            key.Dispose();
            throw new InvalidOperationException($"{prefix}:PublicKeyFile: '{path}' is not a PEM public key ({error.Message}).", error);
        }

        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new InvalidOperationException($"{prefix}:PublicKeyFile: '{path}' is a {key.KeySize}-bit key; approvals are signed with ECDSA P-256.");
        }

        return key;
    }

    public void Dispose()
    {
        foreach (var key in keys.Values)
        {
            key.Dispose();
        }
    }
}
