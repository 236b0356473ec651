using System.Text.Json.Nodes;
using Bpdp.Images;

namespace Bpdp.Trust.Attestations;

/// <summary>
/// The approval the Builder verified, attached beside the image it built (an OCI referrer whose subject is the image,
/// in the quarantine repository), so that the stages after it read the approval from the image store rather than
/// take a message's word for it. The content is an in-toto Statement about the image whose predicate is the
/// approval's <see cref="SignedForm"/>; it is not signed again: the approval system's signature is the evidence.
/// The image itself is untouched, so its digest stays reproducible.
/// </summary>
public static class ApprovalAttestation
{
    /// <summary>The referrer's <c>artifactType</c>, to find it among the image's referrers.</summary>
    public const string ArtifactType = "application/vnd.bpdp.approval.v1+json";

    public const string PredicateType = "https://bpdp.io/attestations/approval/v1";

    /// <summary>The referrer for <paramref name="image"/> (named <paramref name="subjectName"/>): manifest, empty config and the statement.</summary>
    public static (Blob Manifest, Blob Config, Blob Content) Create(Blob image, string subjectName, SignedForm approval)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(approval);
        var statement = InTotoStatement.Create(subjectName, image.Digest, PredicateType, approval.ToJson());
        return ArtifactManifest.Create(image, ArtifactType, new Blob(Dsse.InTotoPayloadType, statement));
    }

    /// <summary>The signed approval in a statement's content when it is an approval statement about <paramref name="digest"/>; null otherwise.</summary>
    public static SignedForm? Read(byte[] content, string digest)
    {
        var statement = Json.Parse(content);
        return InTotoStatement.IsStatement(statement) && InTotoStatement.PredicateType(statement) == PredicateType && InTotoStatement.IsAbout(statement, digest)
            ? SignedForm.FromJson(InTotoStatement.Predicate(statement))
            : null;
    }

    /// <summary>The tag the approval of a deployment is found by: a deployment has one image, and the tag names no other approval.</summary>
    public static string TagFor(Guid deploymentId) => $"approval-{deploymentId:D}";

    /// <summary>
    /// Attaches the approval to <paramref name="image"/> in <paramref name="repository"/>: tagged <see cref="TagFor"/> its
    /// deployment, and listed in the image's referrers for tools. The tag is what the Publisher reads: the referrers
    /// index is rewritten whole, so two Builders attaching to one image at once can lose an entry, never a tag. The
    /// same approval again changes nothing.
    /// </summary>
    public static async Task Attach(IImageStore store, string repository, Blob image, SignedForm approval, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var deploymentId = Approvals.ApprovalForm.Parse(approval.CanonicalForm, out var problem)?.DeploymentId
            ?? throw new ArgumentException($"The approval's canonical form cannot be read: {problem}.", nameof(approval));
        var (manifest, config, content) = Create(image, store.Qualify(repository), approval);
        await store.PutBlob(repository, config, cancel);
        await store.PutBlob(repository, content, cancel);
        await store.PutManifest(repository, manifest, TagFor(deploymentId), cancel);
        await ReferrersTag.Add(store, repository, image.Digest, manifest, ArtifactType, cancel);
    }

    /// <summary>
    /// The approval of deployment <paramref name="deploymentId"/> attached to the image <paramref name="digest"/> in
    /// <paramref name="repository"/>, with the referrer's manifest; null when there is none, or it is not an approval
    /// statement about that image naming that deployment.
    /// </summary>
    public static async Task<(SignedForm Approval, Blob Manifest)?> Find(IImageStore store, string repository, string digest, Guid deploymentId, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await store.FindManifest(repository, TagFor(deploymentId), cancel) is not { } manifest
            || Json.Member(Json.Parse(manifest.Content), "layers") is not JsonArray { Count: 1 } layers
            || Json.Text(Json.Member(layers[0], "digest")) is not { } content || !ImageDigest.IsValid(content))
        {
            return null;
        }

        return Read(await store.GetBlob(repository, content, cancel), digest) is { } approval
            && Approvals.ApprovalForm.Parse(approval.CanonicalForm, out _) is { } form && form.DeploymentId == deploymentId
            ? (approval, manifest)
            : null;
    }
}
