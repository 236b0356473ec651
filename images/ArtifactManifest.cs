using System.Text;
using System.Text.Json.Nodes;

namespace Bpdp.Images;

/// <summary>An OCI 1.1 artifact that refers to an image: one content layer, the empty config, and the image as <c>subject</c>.</summary>
public static class ArtifactManifest
{
    public static (Blob Manifest, Blob Config, Blob Content) Create(Blob subject, string artifactType, Blob content)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(content);
        var config = new Blob(OciMediaTypes.Empty, "{}"u8.ToArray());
        var manifest = new Blob(OciMediaTypes.Manifest, Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.Manifest,
            ["artifactType"] = artifactType,
            ["config"] = config.Descriptor(),
            ["layers"] = new JsonArray(content.Descriptor()),
            ["subject"] = subject.Descriptor(),
        }.ToJsonString()));
        return (manifest, config, content);
    }
}
