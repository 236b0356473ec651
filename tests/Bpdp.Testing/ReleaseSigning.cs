using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Trust.Attestations;
using Bpdp.Trust.Release;

namespace Bpdp.Testing;

/// <summary>
/// A Publisher's release key in miniature, with the approval system and the Scanner it vouches for: signs digests in
/// cosign's format as the Publisher does, attests their provenance (carrying an approval) and scan verdict, and gives
/// the Rollout the public halves of all three keys.
/// </summary>
public sealed class ReleaseSigning() : PemKeyPair(KeyId)
{
    public const string KeyId = "release-test";

    /// <summary>The approval system whose approvals the releases carry.</summary>
    public ApprovalSigning Approvals { get; } = new();

    /// <summary>The Scanner whose verdicts the releases carry.</summary>
    public ScanSigning Scans { get; } = new();

    /// <summary>The Rollout's settings trusting these keys (release, approval, Scanner), the public keys written to <paramref name="directory"/>.</summary>
    public Dictionary<string, string?> RolloutSettings(string directory) => new([.. Approvals.TrustedKeySettings(directory, "Rollout")])
    {
        [$"Rollout:ReleaseKeys:{KeyId}:PublicKeyFile"] = WritePublicKey(directory),
        [$"Rollout:ScannerKeys:{ScanSigning.KeyId}:PublicKeyFile"] = Scans.WritePublicKey(directory),
    };

    /// <summary>Signs <paramref name="image"/> in <paramref name="store"/>, where the image need not exist; returns the image. Only the signature: no provenance.</summary>
    public async Task<ImageReference> Sign(IImageStore store, ImageReference image, ECDsa? signer = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(image);
        await CosignSignature.Push(store, store.Unqualify(image.Repository), signer ?? Key, image.Digest);
        return image;
    }

    /// <summary>
    /// Releases <paramref name="image"/> (already in <paramref name="store"/>) as the Publisher releases it for
    /// <paramref name="deploymentId"/>: the signature, then a provenance carrying an approval of <paramref name="target"/> for the
    /// image's policy, and the Scanner's passed verdict, both attested with the release key.
    /// </summary>
    public async Task<ImageReference> Release(IImageStore store, ImageReference image, DeploymentTarget target, Guid deploymentId)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(image);
        var manifest = await store.GetManifest(store.Unqualify(image.Repository), image.Digest);
        var revision = JsonNode.Parse(manifest.Content)?["annotations"]?[ReleaseVerifier.RevisionAnnotation]?.GetValue<string>() ?? "";
        await Sign(store, image);
        await Attest(store, image, Approval(target, deploymentId, revision), Verdict(image, target, deploymentId));
        return image;
    }

    /// <summary>An approval of <paramref name="target"/> for the policy of hash <paramref name="policySha256"/>, signed by <see cref="Approvals"/>.</summary>
    public ArtifactApproved Approval(DeploymentTarget target, Guid deploymentId, string policySha256)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Approvals.Approve(new ArtifactApproved(deploymentId, DateTimeOffset.UtcNow, target.PolicyName, target.PolicyVersion, target.Agency, target.Environment,
            PolicyYaml: "", policySha256, "jane.doe@osha.example", ApprovalSigning.KeyId, "CHG-2026-0042", DateTimeOffset.UtcNow, Signature: ""));
    }

    /// <summary>The Scanner's verdict on <paramref name="image"/>, signed by <see cref="Scans"/>.</summary>
    public ImageScanned Verdict(ImageReference image, DeploymentTarget target, Guid deploymentId, bool passed = true) =>
        Scans.Sign(new ImageScanned(deploymentId, DateTimeOffset.UtcNow, target, new ImageReference("quarantine/" + image.Repository, image.Digest), passed, []));

    /// <summary>
    /// Attests the provenance (<paramref name="approval"/> in its external parameters; the policy hash it states is
    /// <paramref name="provenanceSha256"/>, by default the approval's) and the verdict, each a DSSE envelope signed by
    /// <paramref name="signer"/> (by default this key), about <paramref name="subject"/> (by default the image).
    /// </summary>
    public async Task Attest(IImageStore store, ImageReference image, ArtifactApproved approval, ImageScanned verdict, ECDsa? signer = null,
        string? provenanceSha256 = null, string? subject = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(approval);
        ArgumentNullException.ThrowIfNull(verdict);
        var key = signer ?? Key;
        var about = subject ?? image.Digest;
        var target = new DeploymentTarget(approval.Agency, approval.Environment, approval.PolicyName, approval.PolicyVersion);
        var manifest = new Blob(OciMediaTypes.Manifest, Encoding.UTF8.GetBytes(new JsonObject
        {
            ["annotations"] = new JsonObject
            {
                [ReleaseVerifier.RevisionAnnotation] = provenanceSha256 ?? approval.PolicySha256,
                ["org.opencontainers.image.created"] = approval.ApprovedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            },
            ["layers"] = new JsonArray(),
        }.ToJsonString()));
        var config = new Blob(OciMediaTypes.Config, "{}"u8.ToArray());
        var provenance = JsonNode.Parse(SlsaProvenance.Statement(manifest, config, image.Repository, target, approval.DeploymentId, "urn:bpdp:builder", SignedForm.Of(approval)))!;
        provenance["subject"]![0]!["digest"]!["sha256"] = about[7..];
        var scan = ScanAttestation.Statement(image.Repository, about, SignedForm.Of(verdict));
        await CosignAttestations.Add(store, store.Unqualify(image.Repository), image.Digest, approval.DeploymentId,
        [
            (SlsaProvenance.PredicateType, Dsse.Sign(Dsse.InTotoPayloadType, Encoding.UTF8.GetBytes(provenance.ToJsonString()), key)),
            (ScanAttestation.PredicateType, Dsse.Sign(Dsse.InTotoPayloadType, scan, key)),
        ]);
    }

    /// <summary>
    /// A policy image of <paramref name="target"/> in miniature, pushed to <paramref name="repository"/>: its manifest names the policy
    /// (a hash of its name and version) as the Builder's do, with no layers. The same target gives the same digest.
    /// </summary>
    public static async Task<ImageReference> PushImage(IImageStore store, string repository, DeploymentTarget target)
    {
        ArgumentNullException.ThrowIfNull(store);
        var (manifest, config) = MiniatureImage(target);
        await store.PutBlob(repository, config);
        await store.PutManifest(repository, manifest);
        return new ImageReference(store.Qualify(repository), manifest.Digest);
    }

    /// <summary>The digest <see cref="PushImage"/> gives <paramref name="target"/>.</summary>
    public static string DigestOf(DeploymentTarget target) => MiniatureImage(target).Manifest.Digest;

    private static (Blob Manifest, Blob Config) MiniatureImage(DeploymentTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var config = new Blob(OciMediaTypes.Config, "{\"architecture\":\"amd64\",\"os\":\"linux\"}"u8.ToArray());
        var manifest = new Blob(OciMediaTypes.Manifest, Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.Manifest,
            ["config"] = config.Descriptor(),
            ["layers"] = new JsonArray(),
            ["annotations"] = new JsonObject
            {
                ["org.opencontainers.image.version"] = target.PolicyVersion,
                [ReleaseVerifier.RevisionAnnotation] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{target.Agency}/{target.PolicyName} {target.PolicyVersion}"))),
                ["dev.bpdp.policy.name"] = target.PolicyName,
            },
        }.ToJsonString()));
        return (manifest, config);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Approvals.Dispose();
            Scans.Dispose();
        }

        base.Dispose(disposing);
    }
}
