using System.Security.Cryptography;

namespace Bpdp.Builder.Approval;

/// <summary>
/// The approval system's public keys the Builder trusts, by key id. Each is an ECDSA P-256 public key
/// in PEM (SubjectPublicKeyInfo), configured as <c>Builder:TrustedKeys:&lt;keyId&gt; = &lt;path to .pem&gt;</c>.
/// </summary>
public sealed class ApprovalKeys : IDisposable
{
    private readonly Dictionary<string, ECDsa> keys;

    public ApprovalKeys(IReadOnlyDictionary<string, ECDsa> keys) => this.keys = new Dictionary<string, ECDsa>(keys, StringComparer.Ordinal);

    public IReadOnlyCollection<string> KeyIds => keys.Keys;

    /// <summary>Loads every configured key; a file that is missing or not a P-256 public key stops start-up with its key id and path.</summary>
    public static ApprovalKeys FromPemFiles(IReadOnlyDictionary<string, string> pathsByKeyId)
    {
        var keys = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        foreach (var (keyId, path) in pathsByKeyId)
        {
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"Builder:TrustedKeys:{keyId} names '{path}', which does not exist.");
            }

            var key = ECDsa.Create();
            try
            {
                key.ImportFromPem(File.ReadAllText(path));
            }
            catch (ArgumentException error)
            {
                key.Dispose();
                throw new InvalidOperationException($"Builder:TrustedKeys:{keyId}: '{path}' is not a PEM public key ({error.Message}).", error);
            }

            if (key.KeySize != 256)
            {
                key.Dispose();
                throw new InvalidOperationException($"Builder:TrustedKeys:{keyId}: '{path}' is a {key.KeySize}-bit key; approvals are signed with ECDSA P-256.");
            }

            keys[keyId] = key;
        }

        return new ApprovalKeys(keys);
    }

    public bool TryGet(string keyId, out ECDsa key) => keys.TryGetValue(keyId, out key!);

    public void Dispose()
    {
        foreach (var key in keys.Values)
        {
            key.Dispose();
        }
    }
}
