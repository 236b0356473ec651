using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Images.Registry;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Images;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.IntegrationTests.Builder;

/// <summary>
/// The Builder service as its own process on the real RabbitMQ: a signed approval becomes an image in the real
/// registry on the base image from Debian packages, loaded into the real Docker engine, where it runs as a
/// non-root user and answers an evaluation from the host; `bpdp build` of the same policy, base and time gives the same digest.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class BuilderEndToEndTests(RealServers servers) : IDisposable
{
    private readonly ApprovalSigning signing = new();
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-builder-e2e-").FullName;

    public void Dispose()
    {
        signing.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task An_approval_becomes_a_runnable_non_root_image_in_the_registry_and_the_docker_engine()
    {
        var rabbit = await servers.RabbitMq();
        var registry = await servers.Registry();
        var run = Guid.NewGuid().ToString("N")[..8];
        var store = ImageStoreRegistration.CreateRegistryStore(new RegistryOptions { Url = new Uri($"http://{registry}") }, NullLogger<RegistryImageStore>.Instance);
        var baseImage = await new OciLayout(BaseImageLayout.Path).Pull("latest");
        await store.PushImage("bpdp/base", baseImage);

        var settings = new Dictionary<string, string?>(rabbit.ServiceSettings())
        {
            ["Builder:Queue"] = $"builder-{run}",
            ["Builder:ExecutorBinary"] = PublishedExecutor.Path,
            ["Builder:BaseImage"] = $"bpdp/base@{baseImage.Digest}",
            [$"Builder:TrustedKeys:{ApprovalSigning.KeyId}:PublicKeyFile"] = signing.WritePublicKey(folder),
            [$"Builder:TrustedKeys:{ApprovalSigning.KeyId}:Agencies:0"] = "*",
            [$"Builder:TrustedKeys:{ApprovalSigning.KeyId}:Environments:0"] = "*",
            ["Builder:LoadIntoDocker"] = "true",
            ["Builder:DockerHost"] = DockerEngine.Endpoint.ToString(),
            ["Images:Store"] = "Registry",
            ["Registry:Url"] = $"http://{registry}",
        };
        await using var cleanup = new QueueCleanup(rabbit, [$"builder-{run}", .. BuilderOutcomeProbe.Queues(run)]);
        var sink = new MessageSink();
        await using var probes = TestHost.Build(rabbit.ServiceSettings(), bus => bus.AddBuilderOutcomeProbes(run), sink);
        await probes.StartAsync();
        await using var builder = await ServiceProcess.StartFromOwnOutput("services/Builder", "Bpdp.Builder.dll", FreeTcpPort.Next(), settings);

        var yaml = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml"));
        var approval = signing.Approve(yaml);
        await probes.Services.GetRequiredService<IPublishEndpoint>().Publish(approval);
        var built = (await sink.WaitFor<ImageBuilt>(nameof(BuilderOutcomeProbe.BuiltProbe), m => m.DeploymentId == approval.DeploymentId, TimeSpan.FromSeconds(90))).Message;

        Assert.Equal($"{registry}/quarantine/osha/haz-fast", built.Image.Repository);
        Assert.Equal([baseImage.Layers[0].Digest], built.LayerDigests.Take(1));
        Assert.Equal(3, built.LayerDigests.Count);
        var inspected = JsonNode.Parse(await Tool.Run("skopeo", "inspect", "--no-tags", "--tls-verify=false", $"docker://{built.Image}"))!;
        Assert.Equal(built.Image.Digest, inspected["Digest"]!.GetValue<string>());
        var local = Path.Combine(folder, "local");
        var printed = await Tool.Run("dotnet", Path.Combine(AppContext.BaseDirectory, "bpdp.dll"), "build", Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml"),
            "--output", local, "--executor", PublishedExecutor.Path, "--base", BaseImageLayout.Path, "--created", approval.ApprovedAt.ToString("O", CultureInfo.InvariantCulture));
        Assert.Equal(built.Image.Digest, printed.Trim());

        using var docker = DockerEngine.CreateHttpClient();
        var tag = $"{built.Image.Repository}:1.1.0";
        JsonNode? loaded = null;
        await Eventually.Holds(async () =>
        {
            using var response = await docker.GetAsync(new Uri($"/v1.41/images/{tag}/json", UriKind.Relative));
            loaded = response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
            return loaded is not null;
        }, $"the Builder loaded {tag} into the Docker engine\n{builder.Log}", TimeSpan.FromSeconds(60));
        var config = (await store.PullImage("quarantine/osha/haz-fast", built.Image.Digest)).Config.Digest;
        Assert.Equal(config, loaded!["Id"]!.GetValue<string>());

        var port = FreeTcpPort.Next();
        var id = await StartContainer(docker, tag, port);
        try
        {
            using var executor = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await Eventually.Answers(new Uri(executor.BaseAddress!, "/readyz"), status => status == HttpStatusCode.OK, "the container is ready", TimeSpan.FromSeconds(30));
            using var decision = await executor.PostAsJsonAsync("/v1/evaluate",
                new { injuries = 1, severity = "critical", fatality = true, workers = 9, industry = "other", incidentOn = "2026-11-01" });
            Assert.Equal(HttpStatusCode.OK, decision.StatusCode);
            Assert.Contains("\"rule\":\"fatality-fast-track\"", await decision.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            var top = JsonNode.Parse(await docker.GetStringAsync(new Uri($"/v1.41/containers/{id}/top?ps_args=-o%20pid,uid", UriKind.Relative)))!;
            var column = top["Titles"]!.AsArray().Select(t => t!.GetValue<string>()).ToList().IndexOf("UID");
            var uids = top["Processes"]!.AsArray().Select(p => p![column]!.GetValue<string>().Trim()).ToList();
            Assert.Equal(["65532"], uids);
        }
        finally
        {
            await docker.DeleteAsync(new Uri($"/v1.41/containers/{id}?force=true", UriKind.Relative));
        }
    }

    private static async Task<string> StartContainer(HttpClient docker, string image, int port)
    {
        using var created = await docker.PostAsJsonAsync(new Uri("/v1.41/containers/create", UriKind.Relative), new JsonObject
        {
            ["Image"] = image,
            ["HostConfig"] = new JsonObject
            {
                ["ReadonlyRootfs"] = true,
                ["PortBindings"] = new JsonObject { ["8080/tcp"] = new JsonArray(new JsonObject { ["HostIp"] = "127.0.0.1", ["HostPort"] = port.ToString(CultureInfo.InvariantCulture) }) },
            },
        });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, $"container create: {body}");
        var id = JsonNode.Parse(body)!["Id"]!.GetValue<string>();
        using var started = await docker.PostAsync(new Uri($"/v1.41/containers/{id}/start", UriKind.Relative), null);
        Assert.True(started.IsSuccessStatusCode, $"container start: {await started.Content.ReadAsStringAsync()}");
        return id;
    }
}
