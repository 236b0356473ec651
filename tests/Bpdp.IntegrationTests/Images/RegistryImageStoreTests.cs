using System.Net;
using System.Text.Json.Nodes;
using Bpdp.Builder.Oci;
using Bpdp.Images;
using Bpdp.Images.Registry;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Policy;
using Bpdp.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.IntegrationTests.Images;

/// <summary>The registry image store against the real CNCF registry: uploads, skips, reads, auth, faults.</summary>
[Collection(RealServersCollection.Name)]
public sealed class RegistryImageStoreTests(RealServers servers)
{
    private static readonly Lazy<OciImage> PolicyImage = new(() =>
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml"));
        return new PolicyImageBuilder().Build(PolicyValidator.Validate(yaml).Policy!, yaml, new ExecutorArtifact(File.ReadAllBytes(PublishedExecutor.Path)), DateTimeOffset.UnixEpoch);
    });

    private static string NewRepository() => $"test/{Guid.NewGuid():N}"[..21] + "/haz-fast";

    private static (RegistryImageStore Store, CountingHandler Requests) Store(string host, string? user = null, string? password = null, int retries = 3)
    {
        var options = new RegistryOptions
        {
            Url = new Uri($"http://{host}"),
            Username = user,
            Password = password,
            ChunkSizeBytes = 1024 * 1024,
            RetryLimit = retries,
            RetryMinDelayMs = 20,
            RetryMaxDelayMs = 100,
        };
        var requests = new CountingHandler { InnerHandler = new RegistryAuthHandler(user, password) { InnerHandler = new SocketsHttpHandler() } };
        return (new RegistryImageStore(new HttpClient(requests), options, NullLogger<RegistryImageStore>.Instance), requests);
    }

    [Fact]
    public async Task A_pushed_image_is_what_skopeo_sees_and_what_comes_back_and_a_second_push_uploads_nothing()
    {
        var host = await servers.Registry();
        var (store, requests) = Store(host);
        var repository = NewRepository();
        var image = PolicyImage.Value;
        Assert.True(image.Layers[0].Size > 1024 * 1024, "the executor layer is large enough to go up in chunks");

        await store.PushImage(repository, image, "1.1.0");

        Assert.True(requests.Count("PATCH") >= 2, $"the executor layer went up in chunks: {string.Join(", ", requests.Requests)}");
        var inspected = JsonNode.Parse(await Tool.Run("skopeo", "inspect", "--tls-verify=false", $"docker://{host}/{repository}:1.1.0"))!;
        Assert.Equal(image.Digest, inspected["Digest"]!.GetValue<string>());
        var pulled = await store.PullImage(repository, image.Digest);
        Assert.Equal(image.Manifest.Content, pulled.Manifest.Content);
        Assert.Equal(image.Layers.Select(l => l.Content), pulled.Layers.Select(l => l.Content));

        var before = requests.Requests.Count;
        await store.PushImage(repository, image, "1.1.0");
        var second = requests.Requests.Skip(before).ToList();
        Assert.Equal(["HEAD", "HEAD", "HEAD", "PUT"], second.Select(r => r.Split(' ')[0]));
        Assert.Equal($"{host}/{repository}", store.Qualify(repository));
    }

    [Fact]
    public async Task Eight_pushes_of_one_image_into_one_repository_at_once_all_land_and_upload_each_blob_once()
    {
        var host = await servers.Registry();
        var (store, requests) = Store(host);
        var repository = NewRepository();
        var image = PolicyImage.Value;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.PushImage(repository, image)));

        // One upload session per blob (the layers and the config): the other seven pushes waited for it and skipped.
        Assert.Equal(image.Layers.Count + 1, requests.Count("POST"));
        Assert.Equal(8, requests.Requests.Count(r => r.StartsWith("PUT ", StringComparison.Ordinal) && r.Contains("/manifests/", StringComparison.Ordinal)));
        Assert.Equal(image.Layers.Select(l => l.Content), (await store.PullImage(repository, image.Digest)).Layers.Select(l => l.Content));
    }

    [Fact]
    public async Task Eight_pushes_of_one_image_into_eight_repositories_at_once_upload_its_content_once_and_mount_it_elsewhere()
    {
        var host = await servers.Registry();
        var (store, requests) = Store(host);
        var repositories = Enumerable.Range(0, 8).Select(_ => NewRepository()).ToList();
        var image = PolicyImage.Value;

        await Task.WhenAll(repositories.Select(r => store.PushImage(r, image)));

        // The chunks of one upload of each large blob, and no more: the other seven repositories mounted what the first uploaded.
        Blob[] blobs = [.. image.Layers, image.Config];
        Assert.Equal(blobs.Where(b => b.Size > 1024 * 1024).Sum(b => (int)Math.Ceiling(b.Size / (1024.0 * 1024))), requests.Count("PATCH"));
        foreach (var repository in repositories)
        {
            Assert.Equal(image.Layers.Select(l => l.Content), (await store.PullImage(repository, image.Digest)).Layers.Select(l => l.Content));
        }
    }

    [Fact]
    public async Task Eight_artifacts_added_to_one_subject_at_once_are_all_listed_in_its_referrers_tag()
    {
        var host = await servers.Registry();
        var (store, _) = Store(host);
        var repository = NewRepository();
        var image = PolicyImage.Value;
        await store.PushImage(repository, image);
        var config = new Blob("application/vnd.oci.empty.v1+json", "{}"u8.ToArray());
        await store.PutBlob(repository, config);
        var artifacts = new List<Blob>();
        for (var i = 0; i < 8; i++)
        {
            var layer = new Blob("text/plain", System.Text.Encoding.UTF8.GetBytes($"artifact {i}"));
            await store.PutBlob(repository, layer);
            var manifest = new Blob(OciMediaTypes.Manifest, System.Text.Encoding.UTF8.GetBytes(new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = OciMediaTypes.Manifest,
                ["config"] = config.Descriptor(),
                ["layers"] = new JsonArray(layer.Descriptor()),
            }.ToJsonString()));
            await store.PutManifest(repository, manifest);
            artifacts.Add(manifest);
        }

        await Task.WhenAll(artifacts.Select(a => ReferrersTag.Add(store, repository, image.Digest, a, "text/plain", CancellationToken.None)));

        var listed = await ReferrersTag.List(store, repository, image.Digest, CancellationToken.None);
        Assert.Equal(artifacts.Select(a => a.Digest).Order(StringComparer.Ordinal), listed.Select(l => l.Digest).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Blobs_seen_in_another_repository_are_mounted_from_it_rather_than_uploaded()
    {
        var host = await servers.Registry();
        var (store, requests) = Store(host);
        var first = NewRepository();
        var second = NewRepository();
        await store.PushImage(first, PolicyImage.Value);

        var before = requests.Requests.Count;
        await store.PushImage(second, PolicyImage.Value);

        var pushed = requests.Requests.Skip(before).ToList();
        Assert.Equal(PolicyImage.Value.Layers.Count + 1, pushed.Count(r => r.StartsWith("POST ", StringComparison.Ordinal)));
        Assert.DoesNotContain(pushed, r => r.StartsWith("PATCH ", StringComparison.Ordinal));
        Assert.Equal(1, pushed.Count(r => r.StartsWith("PUT ", StringComparison.Ordinal)));
        Assert.Equal(PolicyImage.Value.Layers[0].Content, await store.GetBlob(second, PolicyImage.Value.Layers[0].Digest));
    }

    [Fact]
    public async Task Skopeo_copy_to_a_layout_and_umoci_unpack_accept_the_image_in_the_registry()
    {
        var host = await servers.Registry();
        var (store, _) = Store(host);
        var repository = NewRepository();
        await store.PushImage(repository, PolicyImage.Value);

        var layout = Directory.CreateTempSubdirectory("bpdp-copied-").FullName;
        await Tool.Run("skopeo", "copy", "--src-tls-verify=false", $"docker://{host}/{repository}@{PolicyImage.Value.Digest}", $"oci:{layout}:copied");
        var bundle = Path.Combine(Directory.CreateTempSubdirectory("bpdp-bundle-").FullName, "bundle");
        await Tool.Run("umoci", "unpack", "--image", $"{layout}:copied", bundle);
        Assert.True(File.Exists(Path.Combine(bundle, "rootfs", "policy", "policy.yaml")));
    }

    [Fact]
    public async Task The_registry_refusing_a_manifest_is_reported_with_its_error_code_at_once()
    {
        var host = await servers.Registry();
        var (store, requests) = Store(host);
        var image = PolicyImage.Value;

        var error = await Assert.ThrowsAsync<RegistryException>(() => store.PutManifest(NewRepository(), image.Manifest));

        Assert.Contains("MANIFEST_BLOB_UNKNOWN", error.Codes);
        Assert.Contains("MANIFEST_BLOB_UNKNOWN", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, requests.Count("PUT"));
    }

    [Fact]
    public async Task A_missing_manifest_is_not_found()
    {
        var (store, _) = Store(await servers.Registry());

        await Assert.ThrowsAsync<ImageNotFoundException>(() => store.GetManifest(NewRepository(), "9.9.9"));
    }

    [Fact]
    public async Task A_read_with_a_limit_refuses_a_larger_manifest_or_blob_at_once_and_returns_a_smaller_one_whole()
    {
        var host = await servers.Registry();
        var (store, requests) = Store(host);
        var repository = NewRepository();
        var image = PolicyImage.Value;
        await store.PushImage(repository, image, "1.1.0");
        var before = requests.Count("GET");

        var manifest = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetManifest(repository, "1.1.0", 64));
        var layer = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetBlob(repository, image.Layers[0].Digest, 64 * 1024));

        Assert.Equal($"{host}/{repository} manifest '1.1.0' is {image.Manifest.Size} bytes, more than the 64 bytes this read allows.", manifest.Message);
        Assert.Equal($"{host}/{repository} blob {image.Layers[0].Digest} is {image.Layers[0].Size} bytes, more than the 65536 bytes this read allows.", layer.Message);
        Assert.Equal(2, requests.Count("GET") - before);
        Assert.Equal(image.Manifest.Content, (await store.GetManifest(repository, "1.1.0", 64 * 1024)).Content);
        Assert.Equal(image.Config.Content, await store.GetBlob(repository, image.Config.Digest, 64 * 1024));
    }

    [Fact]
    public async Task Basic_auth_pushes_with_the_credentials_and_is_refused_clearly_without_them()
    {
        await using var registry = await PasswordProtectedRegistry.Start("ops", "s3cret-pass");
        var (authorised, _) = Store(registry.Host, "ops", "s3cret-pass");
        var (anonymous, _) = Store(registry.Host);

        await authorised.PushImage("osha/haz-fast", PolicyImage.Value, "1.1.0");
        Assert.Equal(PolicyImage.Value.Digest, (await authorised.GetManifest("osha/haz-fast", "1.1.0")).Digest);

        var refused = await Assert.ThrowsAsync<RegistryException>(() => anonymous.GetManifest("osha/haz-fast", "1.1.0"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Contains("UNAUTHORIZED", refused.Codes);
    }

    [Fact]
    public async Task Bearer_token_auth_fetches_a_token_from_the_realm_and_pushes_and_wrong_credentials_are_refused_clearly()
    {
        await using var registry = await TokenAuthRegistry.Start("ops", "s3cret-pass");
        var (authorised, _) = Store(registry.Host, "ops", "s3cret-pass");
        var (wrong, _) = Store(registry.Host, "ops", "not-the-password");

        await authorised.PushImage("osha/haz-fast", PolicyImage.Value, "1.1.0");
        Assert.Equal(PolicyImage.Value.Digest, (await authorised.GetManifest("osha/haz-fast", "1.1.0")).Digest);
        Assert.InRange(registry.TokensIssued, 1, 4);

        var refused = await Assert.ThrowsAsync<RegistryException>(() => wrong.GetManifest("osha/haz-fast", "1.1.0"));
        Assert.Contains("refused a token", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registry_that_is_down_is_retried_with_backoff_then_fails()
    {
        var (store, requests) = Store($"127.0.0.1:{FreeTcpPort.Next()}", retries: 2);

        await Assert.ThrowsAsync<HttpRequestException>(() => store.PushImage("osha/haz-fast", PolicyImage.Value));

        Assert.Equal(3, requests.Count("HEAD"));
    }

    [Fact]
    public async Task A_registry_failing_mid_push_is_retried_then_fails_and_the_manifest_never_reaches_it()
    {
        var host = await servers.Registry();
        var config = PolicyImage.Value.Config.Digest;
        await using var proxy = await FaultyRegistryProxy.Start(host, request =>
            request.Method == "PUT" && request.Query["digest"] == config ? HttpStatusCode.ServiceUnavailable : null);
        var (store, _) = Store(proxy.Host, retries: 2);
        var repository = NewRepository();

        var error = await Assert.ThrowsAsync<RegistryException>(() => store.PushImage(repository, PolicyImage.Value, "1.1.0"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Status);
        Assert.Equal(3, proxy.Failed);
        var (direct, _) = Store(host);
        await Assert.ThrowsAsync<ImageNotFoundException>(() => direct.GetManifest(repository, PolicyImage.Value.Digest));
        await Assert.ThrowsAsync<ImageNotFoundException>(() => direct.GetManifest(repository, "1.1.0"));
        Assert.True(await direct.HasBlob(repository, PolicyImage.Value.Layers[0].Digest), "the layers before the fault did arrive, through the proxy");
    }
}
