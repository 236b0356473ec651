using System.Formats.Tar;
using System.Text.Json.Nodes;
using Bpdp.Images;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;

namespace Bpdp.Builder.Docker;

/// <summary>
/// Loads a built image into a local Docker engine (<c>docker load</c> of a docker-archive made from the
/// image's own blobs, so the engine sees the same layers and config), for agencies that run single hosts.
/// </summary>
public sealed class DockerImageLoader(IOptions<BuilderOptions> options, ILogger<DockerImageLoader> logger)
{
    /// <summary>Loads the image under <paramref name="tag"/>; returns the engine's answer.</summary>
    public async Task<string> Load(OciImage image, string tag, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var client = new DockerClientConfiguration(options.Value.DockerHost).CreateClient();
        using var archive = DockerArchive(image, tag);
        var messages = new List<string>();
        await client.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, archive, new Progress<JSONMessage>(m =>
        {
            if (m.Stream is { Length: > 0 } line)
            {
                messages.Add(line.Trim());
            }

            if (m.Error is { } error)
            {
                messages.Add($"error: {error.Message}");
            }
        }), cancel);
        return string.Join(" ", messages);
    }

    /// <summary>Loading is a convenience: a failure is reported, never fails the build.</summary>
    public async Task TryLoad(OciImage image, string tag, CancellationToken cancel)
    {
        try
        {
            var answer = await Load(image, tag, cancel);
            logger.LogInformation("Loaded {Tag} into the Docker engine at {Endpoint}: {Answer}", tag, options.Value.DockerHost, answer);
        }
        catch (Exception error) when (error is DockerApiException or HttpRequestException or IOException or TimeoutException)
        {
            logger.LogWarning("Could not load {Tag} into the Docker engine at {Endpoint}: {Error}", tag, options.Value.DockerHost, error.Message);
        }
    }

    /// <summary>The <c>docker save</c> format: <c>manifest.json</c> naming the config and the layers, which the engine decompresses itself.</summary>
    public static MemoryStream DockerArchive(OciImage image, string tag)
    {
        ArgumentNullException.ThrowIfNull(image);
        var archive = new MemoryStream();
        using (var tar = new TarWriter(archive, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var blob in image.Layers.Append(image.Config).DistinctBy(b => b.Digest))
            {
                tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, Name(blob)) { DataStream = new MemoryStream(blob.Content), ModificationTime = DateTimeOffset.UnixEpoch });
            }

            var manifest = new JsonArray(new JsonObject
            {
                ["Config"] = Name(image.Config),
                ["RepoTags"] = new JsonArray(tag),
                ["Layers"] = new JsonArray([.. image.Layers.Select(l => (JsonNode)Name(l))]),
            });
            tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "manifest.json")
            {
                DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString())),
                ModificationTime = DateTimeOffset.UnixEpoch,
            });
        }

        archive.Position = 0;
        return archive;
    }

    private static string Name(Blob blob) => $"blobs/sha256/{blob.Digest["sha256:".Length..]}";
}
