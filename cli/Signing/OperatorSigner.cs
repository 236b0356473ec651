using System.Security.Cryptography;
using Bpdp.Contracts;
using Bpdp.Trust.Keys;

namespace Bpdp.Cli.Signing;

/// <summary>
/// An operator's ECDSA P-256 private key, read from its PEM file, signing <c>AbortDeployment</c> and
/// <c>PromoteDeployment</c> over <see cref="OperatorCommandCanonicalForm"/> as the Coordinator verifies them.
/// </summary>
public sealed class OperatorSigner : IDisposable
{
    private readonly ECDsa key;

    private OperatorSigner(ECDsa key, string keyId)
    {
        this.key = key;
        KeyId = keyId;
    }

    /// <summary>The id the Coordinator trusts the key under (<c>Coordinator:OperatorKeys:&lt;KeyId&gt;</c>).</summary>
    public string KeyId { get; }

    /// <summary>Reads a PKCS#8 (<c>PRIVATE KEY</c>) or SEC 1 (<c>EC PRIVATE KEY</c>) PEM file holding a P-256 private key.</summary>
    /// <param name="path">The key file, e.g. from <c>bpdp keys operator</c>.</param>
    /// <param name="keyId">The key's id; none: <see cref="DefaultKeyId"/> of <paramref name="path"/>.</param>
    /// <exception cref="OperatorKeyException">The file is missing, unreadable, or not a P-256 private key.</exception>
    public static OperatorSigner Load(string path, string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var id = keyId ?? DefaultKeyId(path);
        if (string.IsNullOrWhiteSpace(id) || id.AsSpan().IndexOfAny('\n', '\r') >= 0)
        {
            throw new OperatorKeyException($"--key-id '{id}' is not a key id: one line, not empty.");
        }

        if (!File.Exists(path))
        {
            throw new OperatorKeyException($"--key {path}: no such file. `bpdp keys operator NAME` makes an operator key.");
        }

        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new OperatorKeyException($"--key {path} cannot be read: {error.Message}");
        }

        var key = ECDsa.Create();
        try
        {
            Import(key, pem, path);
            return new OperatorSigner(key, id);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>The key file's name without <c>.key.pem</c> or <c>.pem</c>: <c>keys/ops-jane.key.pem</c> is <c>ops-jane</c>.</summary>
    public static string DefaultKeyId(string path)
    {
        var name = Path.GetFileName(path);
        foreach (var suffix in (string[])[".key.pem", ".pem"])
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && name.Length > suffix.Length)
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }

    /// <summary>A signed abort, dated <paramref name="at"/> to the millisecond the signature covers.</summary>
    /// <exception cref="ArgumentException">A field contains a line break.</exception>
    public AbortDeployment Abort(Guid deploymentId, string requestedBy, string reason, DateTimeOffset at) =>
        OperatorCommandCanonicalForm.Sign(new AbortDeployment(deploymentId, ToMillisecond(at), requestedBy, reason, KeyId), key);

    /// <summary>A signed promotion, dated <paramref name="at"/> to the millisecond the signature covers.</summary>
    /// <exception cref="ArgumentException">A field contains a line break.</exception>
    public PromoteDeployment Promote(Guid deploymentId, string requestedBy, DateTimeOffset at) =>
        OperatorCommandCanonicalForm.Sign(new PromoteDeployment(deploymentId, ToMillisecond(at), requestedBy, KeyId), key);

    public void Dispose() => key.Dispose();

    private static DateTimeOffset ToMillisecond(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private static void Import(ECDsa key, string pem, string path)
    {
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception error) when (error is ArgumentException or CryptographicException)
        {
            throw new OperatorKeyException($"--key {path} is not a PEM EC private key (PKCS#8 or EC PRIVATE KEY): {error.Message}");
        }

        try
        {
            key.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException)
        {
            throw new OperatorKeyException($"--key {path} holds only a public key; sign with the private key (<name>.key.pem).");
        }

        if (!P256Curve.Holds(key))
        {
            throw new OperatorKeyException($"--key {path} is a key on {P256Curve.Describe(key)}; operator commands are signed with ECDSA P-256.");
        }
    }
}
