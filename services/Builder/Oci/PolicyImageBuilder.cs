using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Images;
using Bpdp.Policy.Evaluation;

namespace Bpdp.Builder.Oci;

/// <summary>
/// Builds the policy image: the base image's layers (when one is configured), the executor layer (built once per executor binary and reused by digest)
/// and the policy layer (<c>/policy/policy.yaml</c>), a config that runs the executor as a non-root user,
/// and a manifest with the <c>org.opencontainers.image.*</c> annotations. Nothing per-deployment goes in:
/// <c>created</c> is the approval time, so the same approved artifact gives the same digest.
/// </summary>
public sealed class PolicyImageBuilder
{
    public const string ExecutorPath = "/usr/local/bin/bpdp-executor";
    public const string PolicyPath = "/policy/policy.yaml";
    public const string DepsJsonPath = "/usr/local/share/bpdp/bpdp-executor.deps.json";
    public const string User = "65532:65532";
    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Executable = Readable | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly ConcurrentDictionary<string, (Blob Layer, string DiffId)> executorLayers = new(StringComparer.Ordinal);

    /// <summary>Builds the executor's layer now, if not yet built: the slow part of a first build (compressing the binary).</summary>
    public void Prepare(ExecutorArtifact executor)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ExecutorLayer(executor);
    }

    /// <param name="policy">The validated policy (its metadata names the image).</param>
    /// <param name="policyYaml">The policy file exactly as approved.</param>
    /// <param name="executor">The published executor binary.</param>
    /// <param name="created">The approval time.</param>
    /// <param name="baseImage">The base image, pulled by digest; none for an image of the executor alone.</param>
    public OciImage Build(CompiledPolicy policy, string policyYaml, ExecutorArtifact executor, DateTimeOffset created, OciImage? baseImage = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(executor);
        var executorLayer = ExecutorLayer(executor);
        var policyLayer = ReproducibleLayer.Build([new LayerFile(PolicyPath, Encoding.UTF8.GetBytes(policyYaml), Readable)]);

        var baseLayers = baseImage?.Layers ?? [];
        var baseDiffIds = baseImage?.DiffIds ?? [];
        var metadata = policy.Module.Metadata;
        var createdText = created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var annotations = new JsonObject
        {
            ["org.opencontainers.image.created"] = createdText,
            ["org.opencontainers.image.title"] = metadata.Title,
            ["org.opencontainers.image.version"] = metadata.Version,
            ["org.opencontainers.image.vendor"] = metadata.Agency,
            ["org.opencontainers.image.source"] = $"urn:bpdp:policy:{metadata.Agency}:{metadata.Name}:{metadata.Version}",
            ["org.opencontainers.image.revision"] = policy.Sha256,
            ["dev.bpdp.policy.name"] = metadata.Name,
        };
        var config = new Blob(OciMediaTypes.Config, Json(new JsonObject
        {
            ["created"] = createdText,
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new JsonObject
            {
                ["User"] = User,
                ["Entrypoint"] = new JsonArray(ExecutorPath),
                ["Env"] = new JsonArray($"BPDP_POLICY={PolicyPath}", "ASPNETCORE_URLS=http://0.0.0.0:8080"),
                ["ExposedPorts"] = new JsonObject { ["8080/tcp"] = new JsonObject() },
                ["WorkingDir"] = "/",
                ["Labels"] = annotations.DeepClone(),
            },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray([.. baseDiffIds, executorLayer.DiffId, policyLayer.DiffId]) },
            ["history"] = new JsonArray([
                .. baseLayers.Select(l => new JsonObject { ["created"] = createdText, ["created_by"] = $"bpdp: base layer {l.Digest}" }),
                new JsonObject { ["created"] = createdText, ["created_by"] = $"bpdp: executor {executor.Digest}" },
                new JsonObject { ["created"] = createdText, ["created_by"] = $"bpdp: policy {metadata.Name} {metadata.Version}" }]),
        }));
        Blob[] layers = [.. baseLayers, executorLayer.Layer, policyLayer.Layer];
        var manifest = new Blob(OciMediaTypes.Manifest, Json(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.Manifest,
            ["config"] = config.Descriptor(),
            ["layers"] = new JsonArray([.. layers.Select(l => l.Descriptor())]),
            ["annotations"] = annotations,
        }));
        return new OciImage(manifest, config, layers);
    }

    private (Blob Layer, string DiffId) ExecutorLayer(ExecutorArtifact executor) => executorLayers.GetOrAdd(executor.Digest, _ => ReproducibleLayer.Build(ExecutorFiles(executor)));

    private static byte[] Json(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    private static List<LayerFile> ExecutorFiles(ExecutorArtifact executor) =>
        executor.DepsJson is { } deps
            ? [new LayerFile(ExecutorPath, executor.Binary, Executable), new LayerFile(DepsJsonPath, deps, Readable)]
            : [new LayerFile(ExecutorPath, executor.Binary, Executable)];
}
