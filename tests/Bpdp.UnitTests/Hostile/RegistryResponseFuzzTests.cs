using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Images;
using Bpdp.Images.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.UnitTests.Hostile;

/// <summary>
/// Generated hostile registry answers to a pull, over real HTTP: each pull fails as an image-store failure the stages
/// report as a failed deployment (never another exception), with a message, and the next honest answer pulls the image.
/// </summary>
public sealed class RegistryResponseFuzzTests
{
    private static readonly ImageLimits Limits = new() { MaxManifestBytes = 8 * 1024, MaxBlobBytes = 64 * 1024 };

    [Fact]
    public async Task Generated_hostile_registry_answers_each_fail_the_pull_with_a_reason_and_an_honest_one_then_pulls()
    {
        await using var registry = await HostileRegistry.Start();
        var store = ImageStoreRegistration.CreateRegistryStore(
            new RegistryOptions { Url = registry.Url, RetryLimit = 0, RequestTimeoutSeconds = 10 }, NullLogger<RegistryImageStore>.Instance, Limits);
        var mutator = new Mutator(20261206);
        var image = Image(mutator);
        var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Campaign.RegistryResponses; i++)
        {
            var (fault, what) = Fault(mutator, image, i);
            registry.Answer = context => fault(context) ?? Honest(context, image);

            Exception? error = null;
            try
            {
                await store.PullImage("osha/haz-fast", i % 2 == 0 ? "1.0.0" : image.Digest).WaitAsync(Campaign.Bound);
            }
            catch (Exception thrown)
            {
                error = thrown;
            }

            Assert.True(error is not null && ImageStoreFailure.Is(error, CancellationToken.None), $"answer {i} ({what}): {error?.GetType().Name ?? "pulled"}: {error?.Message}");
            Assert.False(string.IsNullOrWhiteSpace(error!.Message));
            kinds[what] = kinds.GetValueOrDefault(what) + 1;
        }

        registry.Answer = context => Honest(context, image);
        Assert.Equal(image.Digest, (await store.PullImage("osha/haz-fast", "1.0.0")).Digest);
        Assert.Equal(Campaign.RegistryResponses, kinds.Values.Sum());
        Assert.Equal(
            "config of other content 100, layer cut short 100, layer of other content 100, layer over the limit 100, layer refused 100, manifest broken 100, " +
            "manifest over the limit 100, manifest refused 100, manifest sent as an index 100, too many layers 100",
            string.Join(", ", kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}")));
    }

    private static OciImage Image(Mutator mutator) =>
        HostileLayers.Image(HostileLayers.Layer(HostileLayers.File("etc/x", mutator.Text(500))), new Blob(OciMediaTypes.Config, "{\"rootfs\":{\"type\":\"layers\"}}"u8.ToArray()));

    private static Task Honest(HttpContext context, OciImage image)
    {
        var path = context.Request.Path.Value ?? "";
        var blob = path.Contains("/manifests/", StringComparison.Ordinal) ? image.Manifest : image.Blobs.FirstOrDefault(b => path.EndsWith(b.Digest, StringComparison.Ordinal));
        return blob is null ? Status(context, 404) : HostileRegistry.Body(context, blob.Content, blob.MediaType);
    }

    private static Task Status(HttpContext context, int status, string body = "")
    {
        context.Response.StatusCode = status;
        return body.Length == 0 ? Task.CompletedTask : context.Response.WriteAsync(body);
    }

    /// <summary>One hostile answer, to the manifest or to a blob request; null lets the honest registry answer.</summary>
    private static (Func<HttpContext, Task?> Fault, string What) Fault(Mutator mutator, OciImage image, int i)
    {
        bool IsManifest(HttpContext c) => c.Request.Path.Value!.Contains("/manifests/", StringComparison.Ordinal);
        bool IsLayer(HttpContext c) => c.Request.Path.Value!.EndsWith(image.Layers[0].Digest, StringComparison.Ordinal);
        var (brokenManifest, _) = mutator.BrokenMember(JsonNode.Parse(image.Manifest.Content)!.AsObject(), ["config", "layers"]);
        var junk = Encoding.UTF8.GetBytes(mutator.Text(mutator.Random.Next(1, 300)));
        var status = mutator.Pick([400, 401, 403, 404, 405, 409, 429, 500, 502, 503]);
        return (i % 10) switch
        {
            0 => (c => IsManifest(c) ? HostileRegistry.Body(c, Encoding.UTF8.GetBytes(brokenManifest), OciMediaTypes.Manifest) : null, "manifest broken"),
            1 => (c => IsManifest(c) ? HostileRegistry.Body(c, new byte[Limits.MaxManifestBytes + 1 + mutator.Random.Next(10_000)], OciMediaTypes.Manifest) : null, "manifest over the limit"),
            2 => (c => IsManifest(c) ? HostileRegistry.Body(c, image.Manifest.Content, OciMediaTypes.Index) : null, "manifest sent as an index"),
            3 => (c => IsManifest(c) ? Status(c, status, Encoding.UTF8.GetString(junk)) : null, "manifest refused"),
            4 => (c => IsLayer(c) ? HostileRegistry.Body(c, junk, "application/octet-stream") : null, "layer of other content"),
            5 => (c => IsLayer(c) ? HostileRegistry.Body(c, new byte[Limits.MaxBlobBytes + 1 + mutator.Random.Next(10_000)], "application/octet-stream") : null, "layer over the limit"),
            6 => (c => IsLayer(c) ? CutShort(c, image.Layers[0].Content, mutator.Random.Next(1, image.Layers[0].Content.Length - 1)) : null, "layer cut short"),
            7 => (c => IsLayer(c) ? Status(c, status, Encoding.UTF8.GetString(junk)) : null, "layer refused"),
            8 => (c => IsManifest(c) ? HostileRegistry.Body(c, Encoding.UTF8.GetBytes(ManifestWithLayers(image, mutator.Random.Next(129, 400))), OciMediaTypes.Manifest) : null, "too many layers"),
            _ => (c => !IsManifest(c) && !IsLayer(c) ? HostileRegistry.Body(c, junk, "application/octet-stream") : null, "config of other content"),
        };
    }

    private static string ManifestWithLayers(OciImage image, int count)
    {
        var manifest = JsonNode.Parse(image.Manifest.Content)!.AsObject();
        manifest["layers"] = new JsonArray([.. Enumerable.Range(0, count).Select(_ => (JsonNode)image.Layers[0].Descriptor())]);
        return manifest.ToJsonString();
    }

    private static async Task CutShort(HttpContext context, byte[] content, int sent)
    {
        context.Response.ContentLength = content.Length;
        await context.Response.Body.WriteAsync(content.AsMemory(0, sent));
        await context.Response.Body.FlushAsync();
        context.Abort();
    }
}
