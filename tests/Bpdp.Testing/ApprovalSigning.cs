using System.Security.Cryptography;
using System.Text;
using Bpdp.Contracts;

namespace Bpdp.Testing;

/// <summary>An approval system in miniature: a fresh ECDSA P-256 key that signs approvals as contracts/README.md describes.</summary>
public sealed class ApprovalSigning : IDisposable
{
    public const string KeyId = "approvals-test";

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Writes the public key as PEM, for <c>Builder:TrustedKeys:&lt;KeyId&gt;</c>; returns its path.</summary>
    public string WritePublicKey(string directory)
    {
        var path = Path.Combine(directory, $"{KeyId}.pub.pem");
        File.WriteAllText(path, Key.ExportSubjectPublicKeyInfoPem());
        return path;
    }

    /// <summary>A signed approval of the YAML, whose name, version and agency are read from it.</summary>
    public ArtifactApproved Approve(string yaml, Guid? deploymentId = null, string environment = "production", ECDsa? signer = null, string keyId = KeyId)
    {
        var unsigned = new ArtifactApproved(deploymentId ?? Guid.NewGuid(), DateTimeOffset.UtcNow, Field(yaml, "name"), Field(yaml, "version"), Field(yaml, "agency"), environment, yaml,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))), "jane.doe@osha.example", keyId, "CHG-2026-0042",
            new DateTimeOffset(2026, 11, 27, 9, 15, 0, TimeSpan.Zero), Signature: "");
        return Sign(unsigned, signer);
    }

    public ArtifactApproved Sign(ArtifactApproved approval, ECDsa? signer = null)
    {
        ArgumentNullException.ThrowIfNull(approval);
        return ApprovalCanonicalForm.Sign(approval, signer ?? Key);
    }

    public void Dispose() => Key.Dispose();

    /// <summary>A top-level <c>metadata</c> field of a policy module, good enough for the examples' layout.</summary>
    private static string Field(string yaml, string name) =>
        yaml.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal)) is { } line
            ? line[(name.Length + 1)..].Trim().Trim('"', '\'')
            : "unknown";
}
