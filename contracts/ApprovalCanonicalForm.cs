using System.Globalization;
using System.Text;

namespace Bpdp.Contracts;

/// <summary>
/// The exact bytes an approval signature covers. Line-oriented so that any language can build it
/// without a JSON canonicalizer: the UTF-8 encoding of
/// <code>
/// bpdp-approval/v1
/// deploymentId=&lt;uuid, lowercase, hyphenated&gt;
/// policyName=&lt;…&gt;
/// policyVersion=&lt;…&gt;
/// agency=&lt;…&gt;
/// environment=&lt;…&gt;
/// policySha256=&lt;64 lowercase hex&gt;
/// approverId=&lt;…&gt;
/// approverKeyId=&lt;…&gt;
/// approvalReference=&lt;…&gt;
/// approvedAt=&lt;UTC, yyyy-MM-ddTHH:mm:ss.fffZ&gt;
/// </code>
/// each line ending in a single <c>\n</c>, the last one included. The policy itself is covered through
/// its SHA-256. A field holding a line break, or a carriage return, has no canonical form.
/// </summary>
public static class ApprovalCanonicalForm
{
    /// <summary>The first line, naming the version of this form.</summary>
    public const string Header = "bpdp-approval/v1";

    /// <summary>The canonical text of <paramref name="approval"/>.</summary>
    /// <exception cref="ArgumentException">A field contains a line break.</exception>
    public static string ToText(ArtifactApproved approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var text = new StringBuilder(Header).Append('\n');
        Append(text, "deploymentId", approval.DeploymentId.ToString("D", CultureInfo.InvariantCulture));
        Append(text, "policyName", approval.PolicyName);
        Append(text, "policyVersion", approval.PolicyVersion);
        Append(text, "agency", approval.Agency);
        Append(text, "environment", approval.Environment);
        Append(text, "policySha256", approval.PolicySha256);
        Append(text, "approverId", approval.ApproverId);
        Append(text, "approverKeyId", approval.ApproverKeyId);
        Append(text, "approvalReference", approval.ApprovalReference);
        Append(text, "approvedAt", approval.ApprovedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        return text.ToString();
    }

    /// <summary>The bytes to sign and verify: the UTF-8 encoding of <see cref="ToText"/>.</summary>
    public static byte[] ToBytes(ArtifactApproved approval) => Encoding.UTF8.GetBytes(ToText(approval));

    /// <summary>The approval with its signature: ECDSA P-256 over SHA-256 of <see cref="ToBytes"/>, DER, base64 — as an approval system signs.</summary>
    public static ArtifactApproved Sign(ArtifactApproved approval, System.Security.Cryptography.ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var signature = key.SignData(ToBytes(approval), System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence);
        return approval with { Signature = Convert.ToBase64String(signature) };
    }

    private static void Append(StringBuilder text, string name, string value)
    {
        if (value.AsSpan().IndexOfAny('\n', '\r') >= 0)
        {
            throw new ArgumentException($"The approval field '{name}' contains a line break, which the canonical form cannot carry.", name);
        }

        text.Append(name).Append('=').Append(value).Append('\n');
    }
}
