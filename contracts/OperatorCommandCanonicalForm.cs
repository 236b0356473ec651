using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bpdp.Contracts;

/// <summary>
/// The exact bytes an operator command's signature covers, built like <see cref="ApprovalCanonicalForm"/>: the
/// UTF-8 encoding of
/// <code>
/// bpdp-operator-command/v1
/// command=&lt;abort | promote&gt;
/// deploymentId=&lt;uuid, lowercase, hyphenated&gt;
/// requestedBy=&lt;…&gt;
/// operatorKeyId=&lt;…&gt;
/// occurredAt=&lt;UTC, yyyy-MM-ddTHH:mm:ss.fffZ&gt;
/// reason=&lt;…&gt;            (abort only)
/// </code>
/// each line ending in a single <c>\n</c>, the last one included. A command without a key id has an empty
/// <c>operatorKeyId</c> line. A field holding a line break, or a carriage return, has no canonical form.
/// </summary>
public static class OperatorCommandCanonicalForm
{
    /// <summary>The first line, naming the version of this form.</summary>
    public const string Header = "bpdp-operator-command/v1";

    /// <summary>The <c>command</c> line's value for <see cref="AbortDeployment"/>.</summary>
    public const string Abort = "abort";

    /// <summary>The <c>command</c> line's value for <see cref="PromoteDeployment"/>.</summary>
    public const string Promote = "promote";

    /// <summary>The canonical text of <paramref name="command"/>.</summary>
    /// <exception cref="ArgumentException">A field contains a line break.</exception>
    public static string ToText(AbortDeployment command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var text = Common(Abort, command.DeploymentId, command.RequestedBy, command.OperatorKeyId, command.OccurredAt);
        Append(text, "reason", command.Reason);
        return text.ToString();
    }

    /// <summary>The canonical text of <paramref name="command"/>.</summary>
    /// <exception cref="ArgumentException">A field contains a line break.</exception>
    public static string ToText(PromoteDeployment command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Common(Promote, command.DeploymentId, command.RequestedBy, command.OperatorKeyId, command.OccurredAt).ToString();
    }

    /// <summary>The bytes to sign and verify: the UTF-8 encoding of <see cref="ToText(AbortDeployment)"/>.</summary>
    public static byte[] ToBytes(AbortDeployment command) => Encoding.UTF8.GetBytes(ToText(command));

    /// <summary>The bytes to sign and verify: the UTF-8 encoding of <see cref="ToText(PromoteDeployment)"/>.</summary>
    public static byte[] ToBytes(PromoteDeployment command) => Encoding.UTF8.GetBytes(ToText(command));

    /// <summary>The command with its signature: ECDSA P-256 over SHA-256 of <see cref="ToBytes(AbortDeployment)"/>, DER, base64.</summary>
    /// <exception cref="ArgumentException">The command names no operator key, or a field contains a line break.</exception>
    public static AbortDeployment Sign(AbortDeployment command, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(command);
        RequireKeyId(command.OperatorKeyId);
        return command with { Signature = SignBytes(ToBytes(command), key) };
    }

    /// <summary>The command with its signature: ECDSA P-256 over SHA-256 of <see cref="ToBytes(PromoteDeployment)"/>, DER, base64.</summary>
    /// <exception cref="ArgumentException">The command names no operator key, or a field contains a line break.</exception>
    public static PromoteDeployment Sign(PromoteDeployment command, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(command);
        RequireKeyId(command.OperatorKeyId);
        return command with { Signature = SignBytes(ToBytes(command), key) };
    }

    private static StringBuilder Common(string kind, Guid deploymentId, string requestedBy, string? operatorKeyId, DateTimeOffset occurredAt)
    {
        var text = new StringBuilder(Header).Append('\n');
        Append(text, "command", kind);
        Append(text, "deploymentId", deploymentId.ToString("D", CultureInfo.InvariantCulture));
        Append(text, "requestedBy", requestedBy);
        Append(text, "operatorKeyId", operatorKeyId ?? "");
        Append(text, "occurredAt", occurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        return text;
    }

    private static void RequireKeyId(string? operatorKeyId)
    {
        if (string.IsNullOrWhiteSpace(operatorKeyId))
        {
            throw new ArgumentException("The command names no operator key (operatorKeyId): the Coordinator finds the key to verify by that id.", nameof(operatorKeyId));
        }
    }

    private static string SignBytes(byte[] canonical, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToBase64String(key.SignData(canonical, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    private static void Append(StringBuilder text, string name, string value)
    {
        if (value.AsSpan().IndexOfAny('\n', '\r') >= 0)
        {
            throw new ArgumentException($"The operator command field '{name}' contains a line break, which the canonical form cannot carry.", name);
        }

        text.Append(name).Append('=').Append(value).Append('\n');
    }
}
