using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.Images;

namespace Bpdp.Trust.Attestations;

/// <summary>
/// A SLSA v1 provenance statement (in-toto Statement v1) for a released image: what was built (the image
/// digest), from what (the approved policy, named by its hash, and the approval itself — its signed canonical
/// form, signature and key id, so that anyone can verify it again — as external parameters), with what (the base
/// layers and the executor, by digest), and by which builder. Everything but the approval is read from the image
/// itself. The Publisher signs it in a DSSE envelope (<see cref="Dsse"/>) stored in cosign's attestation layout
/// (<see cref="CosignAttestations"/>); <see cref="Release.ReleaseVerifier"/> reads it back.
/// </summary>
public static class SlsaProvenance
{
    public const string MediaType = Dsse.InTotoPayloadType;
    public const string PredicateType = "https://slsa.dev/provenance/v1";
    public const string BuildType = "urn:bpdp:build-type:policy-image:v1";

    /// <summary>The statement for the image, from its manifest and config alone: layers are named by digest, never read.</summary>
    public static byte[] Statement(Blob imageManifest, Blob imageConfig, string releasedAs, DeploymentTarget target, Guid deploymentId, string builderId, SignedForm approval)
    {
        ArgumentNullException.ThrowIfNull(imageManifest);
        ArgumentNullException.ThrowIfNull(imageConfig);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(approval);
        var manifest = JsonNode.Parse(imageManifest.Content)!;
        var annotations = manifest["annotations"]?.AsObject() ?? [];
        var layers = manifest["layers"]!.AsArray().Select(l => l!["digest"]!.GetValue<string>()).ToList();
        var config = JsonNode.Parse(imageConfig.Content)!;
        var history = config["history"]?.AsArray().Select(h => h?["created_by"]?.GetValue<string>() ?? "").ToList() ?? [];
        var dependencies = new JsonArray();
        for (var i = 0; i < layers.Count && i < history.Count; i++)
        {
            var createdBy = history[i];
            if (createdBy.StartsWith("bpdp: base layer ", StringComparison.Ordinal))
            {
                dependencies.Add(Dependency("urn:bpdp:base-layer", layers[i]));
            }
            else if (createdBy.StartsWith("bpdp: executor ", StringComparison.Ordinal))
            {
                dependencies.Add(Dependency("urn:bpdp:executor", createdBy["bpdp: executor ".Length..]));
            }
        }

        var statement = new JsonObject
        {
            ["_type"] = InTotoStatement.Type,
            ["subject"] = new JsonArray(new JsonObject { ["name"] = releasedAs, ["digest"] = new JsonObject { ["sha256"] = imageManifest.Digest["sha256:".Length..] } }),
            ["predicateType"] = PredicateType,
            ["predicate"] = new JsonObject
            {
                ["buildDefinition"] = new JsonObject
                {
                    ["buildType"] = BuildType,
                    ["externalParameters"] = new JsonObject
                    {
                        ["policy"] = new JsonObject
                        {
                            ["name"] = target.PolicyName,
                            ["version"] = target.PolicyVersion,
                            ["agency"] = target.Agency,
                            ["sha256"] = annotations["org.opencontainers.image.revision"]?.GetValue<string>(),
                        },
                        ["approval"] = Approval(annotations, target, deploymentId, approval),
                    },
                    ["internalParameters"] = new JsonObject(),
                    ["resolvedDependencies"] = dependencies,
                },
                ["runDetails"] = new JsonObject
                {
                    ["builder"] = new JsonObject { ["id"] = builderId },
                    ["metadata"] = new JsonObject { ["invocationId"] = deploymentId.ToString("D") },
                },
            },
        };
        return Encoding.UTF8.GetBytes(statement.ToJsonString());
    }

    /// <summary>The approval's signed form, beside the fields a reader wants at a glance (which the form itself also states).</summary>
    private static JsonObject Approval(JsonObject annotations, DeploymentTarget target, Guid deploymentId, SignedForm approval)
    {
        var parameters = new JsonObject
        {
            ["approvedAt"] = annotations["org.opencontainers.image.created"]?.GetValue<string>(),
            ["environment"] = target.Environment,
            ["deploymentId"] = deploymentId.ToString("D"),
        };
        foreach (var (name, value) in approval.ToJson())
        {
            parameters[name] = value?.DeepClone();
        }

        return parameters;
    }

    /// <summary>The signed approval in a provenance statement; null when it has none.</summary>
    public static SignedForm? ApprovalOf(JsonNode? statement) =>
        SignedForm.FromJson(Json.Member(Json.Member(Json.Member(InTotoStatement.Predicate(statement), "buildDefinition"), "externalParameters"), "approval"));

    /// <summary>The policy hash a provenance statement states (<c>externalParameters.policy.sha256</c>).</summary>
    public static string? PolicySha256Of(JsonNode? statement) =>
        Json.Text(Json.Member(Json.Member(Json.Member(Json.Member(InTotoStatement.Predicate(statement), "buildDefinition"), "externalParameters"), "policy"), "sha256"));

    private static JsonObject Dependency(string uri, string digest) =>
        new() { ["uri"] = uri, ["digest"] = new JsonObject { ["sha256"] = digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest[7..] : digest } };
}
