using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bpdp.Builder.Oci;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Policy;
using Bpdp.Rollout;
using Bpdp.Rollout.Local;
using Bpdp.UnitTests.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bpdp.UnitTests.Rollout;

/// <summary>
/// Finalize retires only what is older than the deployment it finalizes: the next deployment's DeployGreen can
/// overtake it (the Coordinator frees the target as it finalizes), and that new color and its preview stay.
/// </summary>
public sealed class LocalTargetFinalizeTests : IAsyncLifetime
{
    private static readonly DeploymentTarget Place = new("osha", "production", "haz-fast", "1.0.0");
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-finalize-").FullName;
    private readonly HttpClient http = new();
    private OciLayoutImageStore store = null!;
    private LocalTarget target = null!;
    private LocalDataPlane plane = null!;

    public Task InitializeAsync()
    {
        store = new OciLayoutImageStore(Path.Combine(folder, "images"));
        var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var options = Options.Create(new RolloutOptions { Runner = ExecutorRunner.InProcess, WorkDirectory = Path.Combine(folder, "rollout"), ScaleDownDelaySeconds = 0,
            ScrapeTargetsDirectory = Path.Combine(folder, "targets") });
        plane = new LocalDataPlane(options, NullLoggerFactory.Instance);
        target = new LocalTarget(plane, store, services.GetRequiredService<IHttpClientFactory>(), options, TimeProvider.System, NullLogger<LocalTarget>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await plane.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_late_finalize_keeps_the_next_deployments_color_and_preview_and_retires_what_is_older()
    {
        var first = await Live("1.0.0", DateTimeOffset.UtcNow.AddMinutes(-3));
        var second = await Live("1.1.0", DateTimeOffset.UtcNow.AddMinutes(-2));
        var third = new DeployGreen(Guid.NewGuid(), DateTimeOffset.UtcNow.AddMinutes(-1), Place with { PolicyVersion = "1.2.0" }, await Image("1.2.0"));
        var next = await target.DeployGreen(third, CancellationToken.None);

        await target.Finalize(new FinalizeDeployment(second.DeploymentId, DateTimeOffset.UtcNow, second.Target), CancellationToken.None);
        await target.Finalize(new FinalizeDeployment(first.DeploymentId, DateTimeOffset.UtcNow, first.Target), CancellationToken.None);

        Assert.Equal(Color.Blue, next.Color);
        Assert.Equal("1.2.0", await VersionAt(next.PreviewEndpoint));
        Assert.Equal(2, Running());
        var live = (await target.CutOver(new CutOverTraffic(third.DeploymentId, DateTimeOffset.UtcNow, third.Target, Color.Blue), CancellationToken.None)).LiveEndpoint;
        Assert.Equal("1.2.0", await VersionAt(live));

        await target.Finalize(new FinalizeDeployment(third.DeploymentId, DateTimeOffset.UtcNow, third.Target), CancellationToken.None);
        Assert.Equal(1, Running());
        Assert.Equal("1.2.0", await VersionAt(live));
    }

    /// <summary>How many executors the target lists for Prometheus: those it runs.</summary>
    private int Running() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "targets", "bpdp-osha-production-haz-fast.json")))![0]!["targets"]!.AsArray().Count;

    [Fact]
    public async Task A_redelivered_deploy_after_the_cutover_reuses_its_color_and_keeps_the_warm_one()
    {
        await Live("1.0.0", DateTimeOffset.UtcNow.AddMinutes(-2));
        var second = await Live("1.1.0", DateTimeOffset.UtcNow.AddMinutes(-1));

        var again = await target.DeployGreen(second, CancellationToken.None);
        var back = await target.RollBack(new RollBackDeployment(second.DeploymentId, DateTimeOffset.UtcNow, second.Target, "breach"), CancellationToken.None);

        Assert.Equal(Color.Green, again.Color);
        Assert.Equal(Color.Blue, back.Live);
    }

    private async Task<DeployGreen> Live(string version, DateTimeOffset sent)
    {
        var command = new DeployGreen(Guid.NewGuid(), sent, Place with { PolicyVersion = version }, await Image(version));
        var green = await target.DeployGreen(command, CancellationToken.None);
        await target.CutOver(new CutOverTraffic(command.DeploymentId, DateTimeOffset.UtcNow, command.Target, green.Color), CancellationToken.None);
        return command;
    }

    private async Task<ImageReference> Image(string version)
    {
        var yaml = version == "1.2.0" ? PolicyExamples.HazFast("1.1.0").Replace("version: 1.1.0", "version: 1.2.0", StringComparison.Ordinal) : PolicyExamples.HazFast(version);
        var image = new PolicyImageBuilder().Build(PolicyValidator.Validate(yaml).Policy!, yaml, new ExecutorArtifact([1, 2, 3]), DateTimeOffset.UnixEpoch);
        await store.PushImage("osha/haz-fast", image, version);
        return new ImageReference("osha/haz-fast", image.Digest);
    }

    private async Task<string> VersionAt(Uri endpoint) => (await http.GetFromJsonAsync<JsonObject>(new Uri(endpoint, "v1/policy")))!["version"]!.GetValue<string>();
}
