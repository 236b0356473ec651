namespace Bpdp.Trust.Scans;

/// <summary>The Scanner public keys a stage trusts, by key id, each with its validity.</summary>
public sealed class ScannerKeyRing : IDisposable
{
    private readonly Dictionary<string, ScannerKey> keys;

    public ScannerKeyRing(string section, IEnumerable<ScannerKey> keys)
    {
        Section = section;
        this.keys = keys.ToDictionary(k => k.KeyId, StringComparer.Ordinal);
    }

    /// <summary>Where the keys are configured, e.g. <c>Publisher:ScannerKeys</c>, for messages that tell an operator what to change.</summary>
    public string Section { get; }

    public IReadOnlyCollection<string> KeyIds => keys.Keys;

    /// <summary>
    /// Loads every configured key. An entry without a file, a file that is missing, not a PEM public key (a private key
    /// is refused) or not ECDSA P-256 stops start-up with its configuration key (<paramref name="section"/>:<c>&lt;keyId&gt;</c>) and path.
    /// </summary>
    public static ScannerKeyRing Load(string section, IReadOnlyDictionary<string, ScannerKeyOptions> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var loaded = new List<ScannerKey>();
        try
        {
            foreach (var (keyId, entry) in entries)
            {
                var prefix = $"{section}:{keyId}";
                if (entry.Problems(prefix).FirstOrDefault() is { } problem)
                {
                    throw new InvalidOperationException(problem);
                }

                loaded.Add(new ScannerKey(keyId, ScannerKeyOptions.Read(prefix, entry.PublicKeyFile!), entry.NotBefore, entry.NotAfter));
            }
        }
        catch
        {
            loaded.ForEach(k => k.Dispose());
            throw;
        }

        return new ScannerKeyRing(section, loaded);
    }

    public bool TryGet(string keyId, out ScannerKey key) => keys.TryGetValue(keyId, out key!);

    public void Dispose()
    {
        foreach (var key in keys.Values)
        {
            key.Dispose();
        }
    }
}
