using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Bpdp.Images.Registry;

/// <summary>
/// An OCI registry over the distribution API: HEAD to skip blobs it has, monolithic or chunked
/// uploads, manifests PUT with their media type, reads checked against their digests. Every
/// operation is retried as a whole (a fresh upload session each time) when the registry is
/// unreachable, answers 5xx/429 or cuts a response short, with exponential backoff; refusals fail at once with the
/// registry's error codes. Like skopeo's blob-info cache, it remembers which repository it last saw each
/// blob in and mounts from there (cross-repository mount) instead of uploading again.
/// </summary>
public sealed class RegistryImageStore : IImageStore
{
    private readonly HttpClient http;
    private readonly RegistryOptions options;
    private readonly ResiliencePipeline retry;
    private readonly ConcurrentDictionary<string, string> seenIn = new(StringComparer.Ordinal);
    private readonly StripedLock uploads = new();

    public RegistryImageStore(HttpClient http, RegistryOptions options, ILogger<RegistryImageStore> logger, ImageLimits? limits = null)
    {
        Limits = limits ?? ImageLimits.Default;
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        this.http = http;
        this.options = options;
        Host = options.Url!.IsDefaultPort ? options.Url.Host : $"{options.Url.Host}:{options.Url.Port}";
        http.BaseAddress ??= options.Url;
        // Registry:RetryLimit 0 means no retries; Polly's retry strategy itself needs at least one.
        retry = options.RetryLimit <= 0 ? ResiliencePipeline.Empty : new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder()
                .Handle<HttpRequestException>()
                .Handle<IOException>()
                .Handle<RegistryException>(e => e.Transient)
                .Handle<TaskCanceledException>(e => e.InnerException is TimeoutException),
            MaxRetryAttempts = options.RetryLimit,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(options.RetryMinDelayMs),
            MaxDelay = TimeSpan.FromMilliseconds(options.RetryMaxDelayMs),
            OnRetry = args =>
            {
                logger.LogWarning("Registry {Registry}: attempt {Attempt} failed ({Error}); retrying in {Delay} ms", Host, args.AttemptNumber + 1,
                    args.Outcome.Exception?.Message, (int)args.RetryDelay.TotalMilliseconds);
                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    public ImageLimits Limits { get; }

    /// <summary>The registry's host (and port), the prefix of every repository's full name.</summary>
    public string Host { get; }

    public string Qualify(string repository) => $"{Host}/{RepositoryName.Validate(repository)}";

    public string Unqualify(string name) =>
        RepositoryName.Validate(name.StartsWith(Host + "/", StringComparison.Ordinal) ? name[(Host.Length + 1)..] : name);

    /// <summary><c>GET /v2/</c>: the registry is there and these credentials may use it.</summary>
    public Task Ping(CancellationToken cancel = default) => retry.ExecuteAsync(async token =>
    {
        using var response = await Send(HttpMethod.Get, "/v2/", token);
        await Expect(response, "GET /v2/", token, HttpStatusCode.OK);
    }, cancel).AsTask();

    public Task<bool> HasBlob(string repository, string digest, CancellationToken cancel = default) => retry.ExecuteAsync(async token =>
    {
        using var response = await Send(HttpMethod.Head, $"/v2/{RepositoryName.Validate(repository)}/blobs/{digest}", token);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await Expect(response, $"HEAD {repository} blob {digest}", token, HttpStatusCode.OK);
        Seen(digest, repository);
        return true;
    }, cancel).AsTask();

    /// <summary>
    /// Uploads a blob, one upload of the same content at a time: the registry races two commits of one blob, into one
    /// repository or two (one's commit can hide the blob from the other's manifest, refused with <c>MANIFEST_BLOB_UNKNOWN</c>
    /// or <c>DIGEST_INVALID</c>), so a second waits for the first, then skips (the same repository) or mounts (another).
    /// </summary>
    public async Task PutBlob(string repository, Blob blob, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        RepositoryName.Validate(repository);
        using (await uploads.Acquire(blob.Digest, cancel))
        {
            if (seenIn.TryGetValue(blob.Digest, out var lastSeen) && lastSeen == repository)
            {
                return;
            }

            await Upload(repository, blob, cancel);
        }
    }

    private Task Upload(string repository, Blob blob, CancellationToken cancel) =>
        retry.ExecuteAsync(async token =>
        {
            var operation = $"upload of {blob.Digest} ({blob.Size} bytes) to {repository}";
            var mount = seenIn.TryGetValue(blob.Digest, out var source) && source != repository
                ? $"?mount={Uri.EscapeDataString(blob.Digest)}&from={Uri.EscapeDataString(source)}"
                : "";
            using var start = await Send(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/{mount}", token);
            if (mount.Length > 0 && start.StatusCode == HttpStatusCode.Created)
            {
                Seen(blob.Digest, repository);
                return;
            }

            await Expect(start, operation, token, HttpStatusCode.Accepted);
            var location = UploadLocation(start, operation);
            for (var offset = 0; blob.Size > options.ChunkSizeBytes && offset < blob.Content.Length; offset += options.ChunkSizeBytes)
            {
                var length = Math.Min(options.ChunkSizeBytes, blob.Content.Length - offset);
                using var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = Octets(blob.Content.AsMemory(offset, length)) };
                patch.Content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
                using var chunk = await http.SendAsync(patch, token);
                await Expect(chunk, operation, token, HttpStatusCode.Accepted);
                location = UploadLocation(chunk, operation);
            }

            using var finish = new HttpRequestMessage(HttpMethod.Put, WithDigest(location, blob.Digest))
            {
                Content = Octets(blob.Size > options.ChunkSizeBytes ? ReadOnlyMemory<byte>.Empty : blob.Content),
            };
            using var done = await http.SendAsync(finish, token);
            await Expect(done, operation, token, HttpStatusCode.Created);
            Seen(blob.Digest, repository);
        }, cancel).AsTask();

    public Task<bool> MountBlob(string repository, string digest, string from, CancellationToken cancel = default)
    {
        RepositoryName.Validate(repository);
        RepositoryName.Validate(from);
        return retry.ExecuteAsync(async token =>
        {
            using var start = await Send(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(from)}", token);
            if (start.StatusCode == HttpStatusCode.Created)
            {
                Seen(digest, repository);
                return true;
            }

            await Expect(start, $"mount of {digest} from {from} into {repository}", token, HttpStatusCode.Accepted);

            // The registry opened an upload instead; close it rather than leave it dangling.
            using var cancelUpload = new HttpRequestMessage(HttpMethod.Delete, UploadLocation(start, "mount"));
            using var _ = await http.SendAsync(cancelUpload, token);
            return false;
        }, cancel).AsTask();
    }

    public Task PutManifest(string repository, Blob manifest, string? tag = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        RepositoryName.Validate(repository);
        return retry.ExecuteAsync(async token =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/v2/{repository}/manifests/{tag ?? manifest.Digest}") { Content = new ByteArrayContent(manifest.Content) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType);
            using var response = await http.SendAsync(request, token);
            await Expect(response, $"PUT {repository} manifest {tag ?? manifest.Digest}", token, HttpStatusCode.Created);
        }, cancel).AsTask();
    }

    public Task<Blob> GetManifest(string repository, string reference, CancellationToken cancel = default) => ReadManifest(repository, reference, Limits.MaxManifestBytes, cancel);

    public Task<Blob> GetManifest(string repository, string reference, int maxBytes, CancellationToken cancel = default) =>
        ReadManifest(repository, reference, maxBytes, cancel);

    public Task<byte[]> GetBlob(string repository, string digest, CancellationToken cancel = default) => ReadBlob(repository, digest, Limits.MaxBlobBytes, cancel);

    public Task<byte[]> GetBlob(string repository, string digest, int maxBytes, CancellationToken cancel = default) => ReadBlob(repository, digest, maxBytes, cancel);

    private Task<Blob> ReadManifest(string repository, string reference, int maxBytes, CancellationToken cancel)
    {
        RepositoryName.Validate(repository);
        return retry.ExecuteAsync(async token =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{repository}/manifests/{reference}");
            foreach (var type in OciMediaTypes.Manifests)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new ImageNotFoundException($"{Qualify(repository)} has no manifest '{reference}'.");
            }

            await Expect(response, $"GET {repository} manifest {reference}", token, HttpStatusCode.OK);
            var content = await BoundedBody.Read(response, maxBytes, $"{Qualify(repository)} manifest '{reference}'", Limits.NameOf(maxBytes), token);
            if (reference.StartsWith("sha256:", StringComparison.Ordinal))
            {
                ImageStoreExtensions.Verified(content, reference, $"{Qualify(repository)}@{reference}");
            }

            return new Blob(response.Content.Headers.ContentType?.MediaType ?? OciMediaTypes.Manifest, content);
        }, cancel).AsTask();
    }

    private Task<byte[]> ReadBlob(string repository, string digest, int maxBytes, CancellationToken cancel)
    {
        RepositoryName.Validate(repository);
        return retry.ExecuteAsync(async token =>
        {
            using var response = await Send(HttpMethod.Get, $"/v2/{repository}/blobs/{digest}", token, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new ImageNotFoundException($"{Qualify(repository)} has no blob {digest}.");
            }

            await Expect(response, $"GET {repository} blob {digest}", token, HttpStatusCode.OK);
            var what = $"{Qualify(repository)} blob {digest}";
            var content = ImageStoreExtensions.Verified(await BoundedBody.Read(response, maxBytes, what, Limits.NameOf(maxBytes), token), digest, what);
            Seen(digest, repository);
            return content;
        }, cancel).AsTask();
    }

    /// <summary>Where a blob can be mounted from; a bounded memory, forgotten wholesale when full.</summary>
    private void Seen(string digest, string repository)
    {
        if (seenIn.Count >= 10_000)
        {
            seenIn.Clear();
        }

        seenIn[digest] = repository;
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, CancellationToken cancel,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(method, path);
        return await http.SendAsync(request, completion, cancel);
    }

    private async Task Expect(HttpResponseMessage response, string operation, CancellationToken cancel, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw await RegistryErrors.From(response, $"registry {Host}: {operation}", cancel);
        }
    }

    private Uri UploadLocation(HttpResponseMessage response, string operation) =>
        response.Headers.Location is { } location
            ? location.IsAbsoluteUri ? location : new Uri(options.Url!, location)
            : throw new RegistryException(response.StatusCode, [], $"registry {Host}: {operation}: the registry gave no upload location.");

    private static Uri WithDigest(Uri location, string digest)
    {
        var text = location.ToString();
        return new Uri($"{text}{(text.Contains('?', StringComparison.Ordinal) ? '&' : '?')}digest={Uri.EscapeDataString(digest)}");
    }

    private static ReadOnlyMemoryContent Octets(ReadOnlyMemory<byte> content)
    {
        var body = new ReadOnlyMemoryContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return body;
    }
}
