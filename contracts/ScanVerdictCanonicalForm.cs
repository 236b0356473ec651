using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Bpdp.Contracts;

/// <summary>
/// The exact bytes a scan verdict's signature covers, built like <see cref="ApprovalCanonicalForm"/>: the UTF-8
/// encoding of
/// <code>
/// bpdp-scan-verdict/v1
/// deploymentId=&lt;uuid, lowercase, hyphenated&gt;
/// agency=&lt;…&gt;
/// environment=&lt;…&gt;
/// policyName=&lt;…&gt;
/// policyVersion=&lt;…&gt;
/// imageRepository=&lt;…&gt;
/// imageDigest=&lt;…&gt;
/// passed=&lt;true | false&gt;
/// sbomDigest=&lt;…, empty when none&gt;
/// findingsSha256=&lt;64 lowercase hex&gt;
/// scannerKeyId=&lt;…, empty when none&gt;
/// occurredAt=&lt;UTC, yyyy-MM-ddTHH:mm:ss.fffZ&gt;
/// </code>
/// each line ending in a single <c>\n</c>, the last one included. <c>findingsSha256</c> is the SHA-256 of the
/// findings array serialized with <see cref="ContractJson.Options"/>, so no finding can be added, removed or
/// changed. A field holding a line break, or a carriage return, has no canonical form.
/// </summary>
public static class ScanVerdictCanonicalForm
{
    /// <summary>The first line, naming the version of this form.</summary>
    public const string Header = "bpdp-scan-verdict/v1";

    /// <summary>The canonical text of <paramref name="scan"/>.</summary>
    /// <exception cref="ArgumentException">A field contains a line break.</exception>
    public static string ToText(ImageScanned scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var text = new StringBuilder(Header).Append('\n');
        Append(text, "deploymentId", scan.DeploymentId.ToString("D", CultureInfo.InvariantCulture));
        Append(text, "agency", scan.Target.Agency);
        Append(text, "environment", scan.Target.Environment);
        Append(text, "policyName", scan.Target.PolicyName);
        Append(text, "policyVersion", scan.Target.PolicyVersion);
        Append(text, "imageRepository", scan.Image.Repository);
        Append(text, "imageDigest", scan.Image.Digest);
        Append(text, "passed", scan.Passed ? "true" : "false");
        Append(text, "sbomDigest", scan.SbomDigest ?? "");
        Append(text, "findingsSha256", FindingsSha256(scan.Findings));
        Append(text, "scannerKeyId", scan.ScannerKeyId ?? "");
        Append(text, "occurredAt", scan.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        return text.ToString();
    }

    /// <summary>The bytes to sign and verify: the UTF-8 encoding of <see cref="ToText"/>.</summary>
    public static byte[] ToBytes(ImageScanned scan) => Encoding.UTF8.GetBytes(ToText(scan));

    /// <summary>The SHA-256 (lowercase hex) of <paramref name="findings"/> as the wire carries them.</summary>
    public static string FindingsSha256(IReadOnlyList<ScanFinding> findings) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(findings, ContractJson.Options)));

    /// <summary>The verdict signed by key <paramref name="keyId"/>: ECDSA P-256 over SHA-256 of <see cref="ToBytes"/>, DER, base64.</summary>
    /// <exception cref="ArgumentException">The key id is empty, or a field contains a line break.</exception>
    public static ImageScanned Sign(ImageScanned scan, string keyId, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(key);
        if (string.IsNullOrWhiteSpace(keyId))
        {
            throw new ArgumentException("A scan verdict names the key that signs it (scannerKeyId): the Publisher finds the key to verify by that id.", nameof(keyId));
        }

        var named = scan with { ScannerKeyId = keyId };
        var signature = key.SignData(ToBytes(named), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return named with { VerdictSignature = Convert.ToBase64String(signature) };
    }

    private static void Append(StringBuilder text, string name, string value)
    {
        if (value.AsSpan().IndexOfAny('\n', '\r') >= 0)
        {
            throw new ArgumentException($"The scan verdict field '{name}' contains a line break, which the canonical form cannot carry.", name);
        }

        text.Append(name).Append('=').Append(value).Append('\n');
    }
}
