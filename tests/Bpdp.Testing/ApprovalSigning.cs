using System.Security.Cryptography;
using System.Text;
using Bpdp.Contracts;

namespace Bpdp.Testing;

/// <summary>An approval system in miniature: a fresh ECDSA P-256 key that signs approvals as contracts/README.md describes.</summary>
/// <param name="approvedAt">When every approval says it was given; now (to the millisecond) when not given.</param>
public sealed class ApprovalSigning(DateTimeOffset? approvedAt = null) : IDisposable
{
    public const string KeyId = "approvals-test";

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Writes the public key as PEM, for <c>Builder:TrustedKeys:&lt;KeyId&gt;:PublicKeyFile</c>; returns its path.</summary>
    public string WritePublicKey(string directory)
    {
        var path = Path.Combine(directory, $"{KeyId}.pub.pem");
        File.WriteAllText(path, Key.ExportSubjectPublicKeyInfoPem());
        return path;
    }

    /// <summary>A stage's settings (<paramref name="prefix"/>) trusting this key for every agency and environment, its public key written to <paramref name="directory"/>.</summary>
    public Dictionary<string, string?> TrustedKeySettings(string directory, string prefix = "Builder") => new()
    {
        [$"{prefix}:TrustedKeys:{KeyId}:PublicKeyFile"] = WritePublicKey(directory),
        [$"{prefix}:TrustedKeys:{KeyId}:Agencies:0"] = "*",
        [$"{prefix}:TrustedKeys:{KeyId}:Environments:0"] = "*",
    };

    /// <summary>A signed approval of the YAML, whose name, version and agency are read from it.</summary>
    public ArtifactApproved Approve(string yaml, Guid? deploymentId = null, string environment = "production", ECDsa? signer = null, string keyId = KeyId)
    {
        var unsigned = new ArtifactApproved(deploymentId ?? Guid.NewGuid(), DateTimeOffset.UtcNow, Field(yaml, "name"), Field(yaml, "version"), Field(yaml, "agency"), environment, yaml,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))), "jane.doe@osha.example", keyId, "CHG-2026-0042",
            approvedAt ?? ApprovedNow(), Signature: "");
        return Sign(unsigned, signer);
    }

    /// <summary>The approval as this approval system gives it: its key id, its approval time, its signature.</summary>
    public ArtifactApproved Approve(ArtifactApproved approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        return Sign(approval with { ApproverKeyId = KeyId, ApprovedAt = approvedAt ?? ApprovedNow() });
    }

    /// <summary>
    /// The trusted-key settings of every stage that verifies approvals (the Builder, the Coordinator, the Rollout, the Publisher and the KpiGate),
    /// the public key written to <paramref name="directory"/>.
    /// </summary>
    public Dictionary<string, string?> VerifierSettings(string directory) =>
        new([.. TrustedKeySettings(directory, "Builder"), .. TrustedKeySettings(directory, "Coordinator"), .. TrustedKeySettings(directory, "Rollout"),
            .. TrustedKeySettings(directory, "Publisher"), .. TrustedKeySettings(directory, "KpiGate")]);

    public ArtifactApproved Sign(ArtifactApproved approval, ECDsa? signer = null)
    {
        ArgumentNullException.ThrowIfNull(approval);
        return ApprovalCanonicalForm.Sign(approval, signer ?? Key);
    }

    public void Dispose() => Key.Dispose();

    /// <summary>Now, to the millisecond the canonical form carries: approvals older than a day are refused as stale.</summary>
    private static DateTimeOffset ApprovedNow()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    /// <summary>A top-level <c>metadata</c> field of a policy module, good enough for the examples' layout.</summary>
    private static string Field(string yaml, string name) =>
        yaml.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal)) is { } line
            ? line[(name.Length + 1)..].Trim().Trim('"', '\'')
            : "unknown";
}
