using System.Text;
using Bpdp.Images;
using Bpdp.Images.Registry;
using Bpdp.UnitTests.Hostile;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.UnitTests.Images;

/// <summary>
/// A registry that lies, bloats or hangs up: each answer is refused with what was wrong and which limit applies,
/// no body is read past its limit, and the same store then reads a good answer.
/// </summary>
public sealed class HostileRegistryTests : IAsyncLifetime
{
    private static readonly byte[] Good = "{\"schemaVersion\":2,\"layers\":[]}"u8.ToArray();
    private HostileRegistry registry = null!;
    private RegistryImageStore store = null!;

    public async Task InitializeAsync()
    {
        registry = await HostileRegistry.Start();
        store = ImageStoreRegistration.CreateRegistryStore(
            new RegistryOptions { Url = registry.Url, RetryLimit = 1, RetryMinDelayMs = 1, RetryMaxDelayMs = 2, RequestTimeoutSeconds = 10 },
            NullLogger<RegistryImageStore>.Instance, new ImageLimits { MaxManifestBytes = 64 * 1024, MaxBlobBytes = 1024 * 1024 });
    }

    public async Task DisposeAsync() => await registry.DisposeAsync();

    private static string DigestOf(byte[] content) => Blob.DigestOf(content);

    private async Task AGoodAnswerIsStillRead()
    {
        registry.Answer = context => HostileRegistry.Body(context, Good, "application/vnd.oci.image.manifest.v1+json");
        Assert.Equal(Good, (await store.GetManifest("osha/haz-fast", DigestOf(Good))).Content);
    }

    [Fact]
    public async Task A_manifest_declaring_more_than_the_limit_is_refused_before_its_body_is_read()
    {
        registry.Answer = context => HostileRegistry.Body(context, new byte[128 * 1024], "application/vnd.oci.image.manifest.v1+json");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetManifest("osha/haz-fast", "1.0.0"));

        Assert.Equal($"{store.Qualify("osha/haz-fast")} manifest '1.0.0' is 131072 bytes, more than the 65536 bytes this read allows (Images:Limits:MaxManifestBytes).", error.Message);
        await AGoodAnswerIsStillRead();
    }

    [Fact]
    public async Task A_chunked_body_without_a_length_is_cut_off_at_the_limit()
    {
        registry.Answer = async context =>
        {
            context.Response.ContentType = "application/octet-stream";
            var chunk = new byte[16 * 1024];
            try
            {
                for (var i = 0; i < 4096 && !context.RequestAborted.IsCancellationRequested; i++)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            }
            catch (Exception error) when (error is OperationCanceledException or IOException)
            {
            }
        };

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetBlob("osha/haz-fast", DigestOf([1])));

        Assert.Equal($"{store.Qualify("osha/haz-fast")} blob {DigestOf([1])} is more than the 1048576 bytes this read allows (Images:Limits:MaxBlobBytes).", error.Message);
        await AGoodAnswerIsStillRead();
    }

    [Fact]
    public async Task A_blob_whose_content_has_another_digest_is_refused_as_corrupt()
    {
        var asked = DigestOf("what was asked"u8.ToArray());
        registry.Answer = context => HostileRegistry.Body(context, "something else"u8.ToArray());

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetBlob("osha/haz-fast", asked));

        Assert.Equal($"{store.Qualify("osha/haz-fast")} blob {asked}: the content's digest is {DigestOf("something else"u8.ToArray())}, not {asked}; the store is corrupt or was changed.",
            error.Message);
        await AGoodAnswerIsStillRead();
    }

    [Fact]
    public async Task A_body_cut_short_is_retried_then_fails_as_an_image_store_failure()
    {
        registry.Answer = async context =>
        {
            context.Response.ContentLength = 1000;
            await context.Response.Body.WriteAsync(new byte[100]);
            await context.Response.Body.FlushAsync();
            context.Abort();
        };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => store.GetBlob("osha/haz-fast", DigestOf([1])));

        Assert.True(registry.Requests == 2, $"{registry.Requests} requests; {error.GetType()}: {error.Message}");
        Assert.True(error is IOException or HttpRequestException, error.GetType().Name);
        Assert.True(ImageStoreFailure.Is(error, CancellationToken.None), error.GetType().Name);
        await AGoodAnswerIsStillRead();
    }

    [Fact]
    public async Task A_refusal_with_a_huge_body_is_reported_from_its_first_bytes_only()
    {
        var body = Encoding.UTF8.GetBytes("denied " + new string('x', 8 * 1024 * 1024));
        registry.Answer = context =>
        {
            context.Response.StatusCode = 403;
            return HostileRegistry.Body(context, body, "text/plain");
        };

        var error = await Assert.ThrowsAsync<RegistryException>(() => store.GetManifest("osha/haz-fast", "1.0.0"));

        Assert.StartsWith($"registry {store.Host}: GET osha/haz-fast manifest 1.0.0: the registry answered 403 Forbidden: denied xxx", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 400, $"{error.Message.Length} characters");
        await AGoodAnswerIsStillRead();
    }

    [Fact]
    public async Task A_token_service_answering_with_megabytes_is_refused()
    {
        registry.Answer = context =>
        {
            if (context.Request.Path == "/token")
            {
                return HostileRegistry.Body(context, Encoding.UTF8.GetBytes("{\"token\":\"" + new string('t', 2 * 1024 * 1024) + "\"}"), "application/json");
            }

            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{registry.Url}token\",service=\"registry\"";
            return Task.CompletedTask;
        };

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetManifest("osha/haz-fast", "1.0.0"));

        Assert.Equal("the registry's token response is 2097164 bytes, more than the 1048576 bytes this read allows.", error.Message);
    }

    [Fact]
    public async Task A_retry_limit_of_zero_makes_a_store_that_tries_once()
    {
        var once = ImageStoreRegistration.CreateRegistryStore(new RegistryOptions { Url = registry.Url, RetryLimit = 0 }, NullLogger<RegistryImageStore>.Instance);
        registry.Answer = context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        };

        await Assert.ThrowsAsync<RegistryException>(() => once.GetManifest("osha/haz-fast", "1.0.0"));

        Assert.Equal(1, registry.Requests);
    }
}
