using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bpdp.Images;

/// <summary>
/// An image manifest read as untrusted input: every field a stage uses is checked before it is used, so a
/// hostile or broken manifest is refused with what is wrong in it, never with a null reference.
/// </summary>
public sealed record ImageManifest(BlobDescriptor Config, IReadOnlyList<BlobDescriptor> Layers)
{
    /// <summary>The config and layer descriptors of <paramref name="manifest"/>; <see cref="InvalidDataException"/> naming <paramref name="where"/> otherwise.</summary>
    public static ImageManifest Parse(Blob manifest, string where, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var bounds = limits ?? ImageLimits.Default;
        if (manifest.MediaType == OciMediaTypes.Index)
        {
            throw new InvalidDataException($"{where} is an image index; name the linux/amd64 image manifest's digest instead.");
        }

        JsonNode? document;
        try
        {
            document = JsonNode.Parse(manifest.Content, documentOptions: UntrustedJson.Options);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{where}: the manifest is not JSON ({error.Message}).", error);
        }

        if (document is not JsonObject root)
        {
            throw new InvalidDataException($"{where}: the manifest is not a JSON object.");
        }

        if (root["layers"] is not JsonArray layers)
        {
            throw new InvalidDataException($"{where}: the manifest has no \"layers\" array.");
        }

        if (layers.Count > bounds.MaxLayers)
        {
            throw new InvalidDataException($"{where}: the manifest has {layers.Count} layers, more than {bounds.MaxLayers} ({ImageLimits.Key(nameof(ImageLimits.MaxLayers))}).");
        }

        var config = DescriptorAt(root["config"], $"{where}: config", bounds);
        return new ImageManifest(config, [.. layers.Select((layer, i) => DescriptorAt(layer, $"{where}: layer {i}", bounds))]);
    }

    /// <summary>A string annotation of the manifest, or null when it has none, is not JSON or the value is not a string.</summary>
    public static string? AnnotationOf(Blob manifest, string name)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        try
        {
            return JsonNode.Parse(manifest.Content, documentOptions: UntrustedJson.Options) is JsonObject { } root && root["annotations"] is JsonObject annotations
                && annotations[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Config, then layers: the blobs a copy of the image needs before its manifest.</summary>
    public IEnumerable<BlobDescriptor> Blobs => [.. Layers, Config];

    private static BlobDescriptor DescriptorAt(JsonNode? node, string where, ImageLimits limits)
    {
        if (node is not JsonObject descriptor)
        {
            throw new InvalidDataException($"{where} is not a descriptor object.");
        }

        var mediaType = Text(descriptor, "mediaType", where);
        var digest = Text(descriptor, "digest", where);
        if (!ImageDigest.IsValid(digest))
        {
            throw new InvalidDataException($"{where} has digest '{Shorten(digest)}', which is not sha256: and 64 lowercase hex digits.");
        }

        if (descriptor["size"] is not JsonValue sizeValue || !sizeValue.TryGetValue<long>(out var size) || size < 0)
        {
            throw new InvalidDataException($"{where} has no non-negative integer \"size\".");
        }

        return size > limits.MaxBlobBytes
            ? throw new InvalidDataException($"{where} declares {size} bytes, more than {limits.MaxBlobBytes} ({ImageLimits.Key(nameof(ImageLimits.MaxBlobBytes))}).")
            : new BlobDescriptor(mediaType, digest, size);
    }

    private static string Text(JsonObject descriptor, string name, string where) =>
        descriptor[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length is > 0 and <= 255
            ? text
            : throw new InvalidDataException($"{where} has no \"{name}\" string (1 to 255 characters).");

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
