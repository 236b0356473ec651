using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bpdp.Ledger.Chain;

namespace Bpdp.Ledger.Checkpoints;

/// <summary>
/// Signs and verifies checkpoints in the spirit of RFC 6962's signed tree heads. The signed bytes are
/// the UTF-8 of <c>bpdp-ledger-checkpoint/v1\nseq=&lt;n&gt;\nhash=&lt;hex&gt;\nsignedAt=&lt;UTC µs&gt;\n</c>;
/// the signature is ECDSA P-256 / SHA-256, DER, base64 — verifiable with <c>openssl dgst -sha256 -verify</c>.
/// Whoever holds one checkpoint can later prove the ledger still contains that prefix.
/// </summary>
public sealed class CheckpointSigner : IDisposable
{
    private readonly ECDsa key;

    public CheckpointSigner(ECDsa key)
    {
        this.key = key;
        KeyId = KeyIdOf(key);
    }

    public string KeyId { get; }

    public static CheckpointSigner FromPemFile(string path)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return new CheckpointSigner(key);
    }

    /// <summary>The first 16 hex digits of the SHA-256 of the public key (SubjectPublicKeyInfo DER).</summary>
    public static string KeyIdOf(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];

    /// <summary>A copy of the public half, for verification.</summary>
    public ECDsa PublicKey()
    {
        var copy = ECDsa.Create();
        copy.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        return copy;
    }

    public Checkpoint Sign(long sequence, string hash, DateTimeOffset signedAt)
    {
        signedAt = LedgerHash.Truncate(signedAt);
        var signature = key.SignData(Payload(sequence, hash, signedAt), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new Checkpoint(sequence, hash, signedAt, KeyId, Convert.ToBase64String(signature));
    }

    public static bool Verify(Checkpoint checkpoint, ECDsa publicKey)
    {
        try
        {
            return publicKey.VerifyData(Payload(checkpoint.Sequence, checkpoint.Hash, checkpoint.SignedAt), Convert.FromBase64String(checkpoint.Signature),
                HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static byte[] Payload(long sequence, string hash, DateTimeOffset signedAt) => Encoding.UTF8.GetBytes(
        $"bpdp-ledger-checkpoint/v1\nseq={sequence.ToString(CultureInfo.InvariantCulture)}\nhash={hash}\nsignedAt={LedgerHash.Time(signedAt)}\n");

    public void Dispose() => key.Dispose();
}
