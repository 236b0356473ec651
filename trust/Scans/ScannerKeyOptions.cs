using System.Security.Cryptography;
using Bpdp.Trust.Keys;

namespace Bpdp.Trust.Scans;

/// <summary>
/// One trusted Scanner key (<c>…:ScannerKeys:&lt;keyId&gt;</c>): the public half of a key the Scanner signs its
/// verdicts with, and when it may be used. Several entries let a new Scanner key be trusted before the old one is retired.
/// </summary>
public sealed class ScannerKeyOptions
{
    /// <summary>The Scanner's ECDSA P-256 public key, PEM (SubjectPublicKeyInfo, <c>BEGIN PUBLIC KEY</c>); never the private key.</summary>
    public string? PublicKeyFile { get; set; }

    /// <summary>The key is not used before this instant (UTC); none: from the start.</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>The key is not used after this instant (UTC); none: until it is removed.</summary>
    public DateTimeOffset? NotAfter { get; set; }

    /// <summary>What is wrong with this entry, each naming its key (<paramref name="prefix"/> is e.g. <c>Publisher:ScannerKeys:scanner</c>).</summary>
    public IEnumerable<string> Problems(string prefix)
    {
        if (string.IsNullOrWhiteSpace(PublicKeyFile))
        {
            return [$"{prefix}:PublicKeyFile is required: the path of the Scanner's public key (PEM)."];
        }

        if (NotBefore is { } from && NotAfter is { } to && to <= from)
        {
            return [$"{prefix}:NotAfter ({to:O}) must be later than {prefix}:NotBefore ({from:O})."];
        }

        try
        {
            Read(prefix, PublicKeyFile).Dispose();
            return [];
        }
        catch (InvalidOperationException problem)
        {
            return [problem.Message];
        }
    }

    internal static ECDsa Read(string prefix, string path) =>
        PublicKeyPem.Read($"{prefix}:PublicKeyFile", path, "scanner", "scan verdicts");
}
