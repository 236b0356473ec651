using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Trust.Approvals;
using Bpdp.Trust.Attestations;
using Bpdp.Trust.Scans;

namespace Bpdp.Trust.Release;

/// <summary>
/// Everything an image must show, from the image store alone, before it runs anywhere; the Rollout runs it in front
/// of every target and <c>bpdp verify</c> runs it for an auditor. In order:
/// <list type="number">
/// <item><b>release signature</b>: <see cref="ReleaseSignatures"/>;</item>
/// <item><b>provenance</b>: a SLSA provenance in the attestations tagged <c>sha256-&lt;hex&gt;.att</c>, a DSSE envelope
/// that verifies with a trusted release key, an in-toto statement of that type about this digest;</item>
/// <item><b>approval</b>: the approval the provenance carries verifies with a trusted approval key
/// (<see cref="ApprovalEvidence.CheckSigned"/>: no age limit) and names exactly the agency, policy, version and, when
/// expected, the environment and deployment;</item>
/// <item><b>policy hash</b>: the policy hash the approval signs, and the one the provenance states, are the image's
/// own (its manifest's <c>org.opencontainers.image.revision</c>, covered by the digest);</item>
/// <item><b>scan verdict</b>: a scan-verdict attestation, signed like the provenance, whose verdict the Scanner signed
/// (<see cref="ScanVerdictEvidence.CheckSigned"/>), passed, for this digest and the same deployment.</item>
/// </list>
/// Each failure is refused with its own reason and a detail that begins with the check's name; a store that cannot
/// answer throws, since an outage is evidence of nothing.
/// </summary>
public sealed class ReleaseVerifier(IImageStore store, ReleaseSignatures signatures, ReleaseKeyRing releaseKeys, ApprovalEvidence approvals, ScanVerdictEvidence verdicts)
{
    public const string RevisionAnnotation = "org.opencontainers.image.revision";

    private const string Provenance = "provenance";
    private const string Approval = "approval";
    private const string PolicyHash = "policy hash";
    private const string ScanVerdict = "scan verdict";

    /// <summary>The checks by name, in the order they run.</summary>
    public static readonly IReadOnlyList<string> Names = ["release signature", Provenance, Approval, PolicyHash, ScanVerdict];

    /// <summary>Every check of <paramref name="image"/>, in order; with <paramref name="stopAtFirstFailure"/>, up to the first that fails.</summary>
    public async Task<IReadOnlyList<ReleaseCheck>> Verify(ImageReference image, ReleaseExpectation expected, bool stopAtFirstFailure = false, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(expected);
        var checks = new List<ReleaseCheck>();
        bool Stop(ReleaseCheck check)
        {
            checks.Add(check);
            return stopAtFirstFailure && !check.IsVerified;
        }

        if (Stop(await signatures.Verify(image, cancel)))
        {
            return checks;
        }

        if (!ImageDigest.IsValid(image.Digest) || ReleaseSignatures.RepositoryOf(store, image.Repository) is not { } repository)
        {
            checks.AddRange(Names.Skip(1).Select(name => ReleaseCheck.Skip($"{name}: not checked: {image} names no image of the store")));
            return checks;
        }

        var attestations = await Attestations(repository, image, cancel);
        var (provenance, statement) = await Statement(attestations, repository, image, SlsaProvenance.PredicateType, Provenance, expected.DeploymentId, cancel);
        if (Stop(provenance))
        {
            return checks;
        }

        ApprovalForm? approval = null;
        if (statement is null)
        {
            checks.Add(ReleaseCheck.Skip($"{Approval}: not checked: it is read from the provenance, which did not verify"));
            checks.Add(ReleaseCheck.Skip($"{PolicyHash}: not checked: the approval is read from the provenance, which did not verify"));
        }
        else
        {
            var approvalCheck = CheckApproval(statement, expected, out var form);
            if (Stop(approvalCheck))
            {
                return checks;
            }

            approval = approvalCheck.IsVerified ? form : null;
            var policy = form is null
                ? ReleaseCheck.Skip($"{PolicyHash}: not checked: the approval's form cannot be read")
                : await CheckPolicyHash(repository, image, form, statement, cancel);
            if (Stop(policy))
            {
                return checks;
            }
        }

        var (scan, scanStatement) = await Statement(attestations, repository, image, ScanAttestation.PredicateType, ScanVerdict, expected.DeploymentId, cancel);
        checks.Add(scanStatement is null ? scan : CheckVerdict(scanStatement, image, expected, approval));
        return checks;
    }

    /// <summary>The attestation manifest's layers, or the refusal that stands for every attestation when there is none to read.</summary>
    private async Task<(List<JsonObject> Layers, string Where, Func<string, ReleaseCheck>? Refusal)> Attestations(string repository, ImageReference image, CancellationToken cancel)
    {
        var tag = CosignAttestations.TagFor(image.Digest);
        var where = $"{tag} in {image.Repository}";
        Blob? manifest;
        try
        {
            manifest = await store.FindManifest(repository, tag, CosignAttestations.MaxBytes, cancel);
        }
        catch (InvalidDataException error)
        {
            return ([], where, name => ReleaseCheck.Refused(RefusalReason.InvalidSignature, $"{name}: the attestation manifest {where} is refused: {error.Message}"));
        }

        if (manifest is null)
        {
            return ([], where, name => ReleaseCheck.Refused(RefusalReason.MissingSignature,
                $"{name}: no attestation tag {where}: the Publisher signs the provenance and the scan verdict of every release there"));
        }

        return Json.Member(Json.Parse(manifest.Content), "layers") is JsonArray layers
            ? ([.. layers.OfType<JsonObject>()], where, null)
            : ([], where, name => ReleaseCheck.Refused(RefusalReason.InvalidSignature, $"{name}: the attestation manifest {where} is not a manifest with layers"));
    }

    /// <summary>
    /// The statement of <paramref name="predicateType"/>: the layer annotated with that type (the deployment's own
    /// when several are, else the latest), a DSSE envelope whose signature verifies with a trusted release key, an
    /// in-toto statement of that type about this digest. The statement is null when any of it fails.
    /// </summary>
    private async Task<(ReleaseCheck Check, JsonNode? Statement)> Statement((List<JsonObject> Layers, string Where, Func<string, ReleaseCheck>? Refusal) attestations,
        string repository, ImageReference image, string predicateType, string name, Guid? deploymentId, CancellationToken cancel)
    {
        if (attestations.Refusal is { } refusal)
        {
            return (refusal(name), null);
        }

        var where = attestations.Where;
        var candidates = attestations.Layers.Where(l => CosignAttestations.Annotation(l, CosignAttestations.PredicateTypeAnnotation) == predicateType).ToList();
        if (candidates.Count == 0)
        {
            return (Refused(RefusalReason.MissingSignature, name, $"{where} holds no attestation of type {predicateType}"), null);
        }

        var deployment = deploymentId?.ToString("D");
        var layer = candidates.LastOrDefault(l => CosignAttestations.Annotation(l, CosignAttestations.DeploymentAnnotation) == deployment) ?? candidates[^1];
        if (Json.Text(layer["mediaType"]) is var mediaType && mediaType != Dsse.EnvelopeMediaType)
        {
            return (Refused(RefusalReason.InvalidSignature, name, $"the {predicateType} layer of {where} is '{mediaType}', not a DSSE envelope ({Dsse.EnvelopeMediaType})"), null);
        }

        var digest = Json.Text(layer["digest"]);
        var size = layer["size"] is JsonValue sizeValue && sizeValue.TryGetValue<long>(out var declared) ? declared : -1;
        if (!ImageDigest.IsValid(digest) || size < 0 || size > CosignAttestations.MaxBytes)
        {
            return (Refused(RefusalReason.InvalidSignature, name,
                $"the {predicateType} layer of {where} has no valid sha256 digest and size (at most {CosignAttestations.MaxBytes / 1024} KiB)"), null);
        }

        byte[] content;
        try
        {
            content = await store.GetBlob(repository, digest!, CosignAttestations.MaxBytes, cancel);
        }
        catch (Exception error) when (error is InvalidDataException or ImageNotFoundException)
        {
            return (Refused(RefusalReason.InvalidSignature, name, $"the envelope {digest} of {where} does not match its digest or is missing: {error.Message}"), null);
        }

        if (Dsse.Parse(content, out var problem) is not { } envelope)
        {
            return (Refused(RefusalReason.InvalidSignature, name, $"the envelope {digest} of {where} is refused: {problem}"), null);
        }

        if (envelope.PayloadType != Dsse.InTotoPayloadType)
        {
            return (Refused(RefusalReason.InvalidSignature, name, $"the envelope {digest} of {where} carries '{envelope.PayloadType}', not an in-toto statement ({Dsse.InTotoPayloadType})"), null);
        }

        var signed = envelope.SignedBytes;
        if (envelope.Signatures.Select(s => releaseKeys.Verifying(signed, s)).FirstOrDefault(k => k is not null) is not { } keyId)
        {
            return (Refused(RefusalReason.InvalidSignature, name,
                $"the envelope {digest} of {where} does not verify with any trusted release key ({releaseKeys.Section}: {string.Join(", ", releaseKeys.KeyIds)}): " +
                "the statement was changed after signing, or another key signed it"), null);
        }

        var statement = Json.Parse(envelope.Payload);
        if (!InTotoStatement.IsStatement(statement) || InTotoStatement.PredicateType(statement) != predicateType)
        {
            return (Refused(RefusalReason.InvalidSignature, name,
                $"the envelope {digest} of {where} is signed, but its payload is not an in-toto Statement v1 of type {predicateType}"), null);
        }

        if (!InTotoStatement.IsAbout(statement, image.Digest))
        {
            return (Refused(RefusalReason.DigestMismatch, name, $"the statement signed in {where} is about {InTotoStatement.Subjects(statement)}, not {image.Digest}"), null);
        }

        return (ReleaseCheck.Passed($"{name}: {where} signed with release key '{keyId}', about {image.Digest}"), statement);
    }

    /// <summary>The approval the provenance carries: its own evidence, then the target it names.</summary>
    private ReleaseCheck CheckApproval(JsonNode statement, ReleaseExpectation expected, out ApprovalForm? form)
    {
        form = null;
        if (SlsaProvenance.ApprovalOf(statement) is not { } signed)
        {
            return Refused(RefusalReason.MissingSignature, Approval,
                "the provenance carries no approval (externalParameters.approval with canonicalForm, signature and keyId): only images built from a verified approval are deployed");
        }

        var check = approvals.CheckSigned(signed, out form);
        if (!check.IsAccepted)
        {
            return Refused(RefusalReason.ApprovalRefused, Approval, $"{check.Reason}: {check.Message}");
        }

        var approved = form!;
        if (approved.Agency != expected.Agency || approved.PolicyName != expected.PolicyName || approved.PolicyVersion != expected.PolicyVersion
            || (expected.Environment is { } environment && approved.Environment != environment)
            || (expected.DeploymentId is { } deployment && approved.DeploymentId != deployment))
        {
            return Refused(RefusalReason.TargetMismatch, Approval,
                $"the image was approved as {approved.Agency}/{approved.Environment} {approved.PolicyName} {approved.PolicyVersion} (deployment {approved.DeploymentId}), not as {expected}");
        }

        return ReleaseCheck.Passed($"{Approval}: {approved.Agency}/{approved.Environment} {approved.PolicyName} {approved.PolicyVersion}, deployment {approved.DeploymentId}, " +
            $"approved by {approved.ApproverId} ({approved.ApprovalReference}) at {approved.ApprovedAt:O}, signed with approval key '{approved.ApproverKeyId}'");
    }

    /// <summary>The policy the approval signs is the policy in the image: both hashes, and the provenance's, are the image's revision annotation.</summary>
    private async Task<ReleaseCheck> CheckPolicyHash(string repository, ImageReference image, ApprovalForm approval, JsonNode statement, CancellationToken cancel)
    {
        Blob manifest;
        try
        {
            manifest = await store.GetManifest(repository, image.Digest, CosignAttestations.MaxBytes, cancel);
        }
        catch (Exception error) when (error is InvalidDataException or ImageNotFoundException)
        {
            return Refused(RefusalReason.DigestMismatch, PolicyHash, $"the image manifest {image} cannot be read: {error.Message}");
        }

        var revision = Json.Text(Json.Member(Json.Member(Json.Parse(manifest.Content), "annotations"), RevisionAnnotation));
        if (string.IsNullOrEmpty(revision))
        {
            return Refused(RefusalReason.DigestMismatch, PolicyHash, $"the image {image} carries no {RevisionAnnotation} annotation naming its policy's SHA-256");
        }

        if (approval.PolicySha256 != revision)
        {
            return Refused(RefusalReason.DigestMismatch, PolicyHash,
                $"the approval signs policy SHA-256 {approval.PolicySha256}, but the image's policy is {revision} ({RevisionAnnotation}): the image is not the approved policy");
        }

        return SlsaProvenance.PolicySha256Of(statement) is var stated && stated != revision
            ? Refused(RefusalReason.DigestMismatch, PolicyHash, $"the provenance states policy SHA-256 {stated ?? "none"}, but the image's policy is {revision} ({RevisionAnnotation})")
            : ReleaseCheck.Passed($"{PolicyHash}: {revision}, the image's ({RevisionAnnotation}), is the policy approved and the one the provenance states");
    }

    /// <summary>The verdict the scan attestation carries: the Scanner's signature, passed, this digest, the deployment's target.</summary>
    private ReleaseCheck CheckVerdict(JsonNode statement, ImageReference image, ReleaseExpectation expected, ApprovalForm? approval)
    {
        if (SignedForm.FromJson(InTotoStatement.Predicate(statement)) is not { } signed)
        {
            return Refused(RefusalReason.MissingSignature, ScanVerdict, "the scan attestation carries no verdict (canonicalForm, signature and keyId)");
        }

        var check = verdicts.CheckSigned(signed, out var verdict);
        if (!check.IsVerified)
        {
            return Refused(check.Reason!.Value, ScanVerdict, check.Message);
        }

        var scanned = verdict!;
        if (!scanned.Passed)
        {
            return Refused(RefusalReason.ScanNotPassed, ScanVerdict, $"the Scanner's verdict of {scanned.ImageDigest} for deployment {scanned.DeploymentId} is blocked, not passed");
        }

        if (scanned.ImageDigest != image.Digest)
        {
            return Refused(RefusalReason.DigestMismatch, ScanVerdict, $"the Scanner passed {scanned.ImageDigest}, not {image.Digest}");
        }

        var environment = expected.Environment ?? approval?.Environment;
        var deployment = expected.DeploymentId ?? approval?.DeploymentId;
        var target = scanned.Target;
        if (target.Agency != expected.Agency || target.PolicyName != expected.PolicyName || target.PolicyVersion != expected.PolicyVersion
            || (environment is not null && target.Environment != environment) || (deployment is { } id && scanned.DeploymentId != id))
        {
            return Refused(RefusalReason.TargetMismatch, ScanVerdict,
                $"the Scanner passed the image for {target.Agency}/{target.Environment} {target.PolicyName} {target.PolicyVersion} (deployment {scanned.DeploymentId}), " +
                $"not for {expected with { Environment = environment, DeploymentId = deployment }}");
        }

        return ReleaseCheck.Passed($"{ScanVerdict}: passed, {image.Digest} for deployment {scanned.DeploymentId}, signed with Scanner key '{scanned.ScannerKeyId}' at {scanned.OccurredAt:O}");
    }

    private static ReleaseCheck Refused(RefusalReason reason, string name, string detail) => ReleaseCheck.Refused(reason, $"{name}: {detail}");
}
