using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bpdp.Builder.Oci;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Policy;
using Bpdp.Rollout;
using Bpdp.Rollout.Local;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bpdp.Bench;

/// <summary>
/// Cutover and rollback on the local target (executors in process): from the call to the moment every new
/// request is answered by the target color, while a client keeps sending. Repeated back and forth.
/// </summary>
internal static class CutoverBenchmark
{
    public static async Task<int> Run(string[] args)
    {
        _ = args;
        var folder = Directory.CreateTempSubdirectory("bpdp-bench-cutover-").FullName;
        var store = new OciLayoutImageStore(Path.Combine(folder, "images"));
        var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var options = Options.Create(new RolloutOptions { Runner = ExecutorRunner.InProcess, WorkDirectory = Path.Combine(folder, "rollout"), ScaleDownDelaySeconds = 0 });
        await using var plane = new LocalDataPlane(options, NullLoggerFactory.Instance);
        var target = new LocalTarget(plane, store, services.GetRequiredService<IHttpClientFactory>(), options, TimeProvider.System, NullLogger<LocalTarget>.Instance);
        var place = new DeploymentTarget("osha", "bench", "haz-fast", "1.0.0");
        var blue = await Image(store, "1.0.0");
        var green = await Image(store, "1.1.0");
        var id = Guid.NewGuid();
        await target.DeployGreen(new DeployGreen(id, DateTimeOffset.UtcNow, place, blue), CancellationToken.None);
        var live = (await target.CutOver(new CutOverTraffic(id, DateTimeOffset.UtcNow, place, Color.Blue), CancellationToken.None)).LiveEndpoint;
        using var http = new HttpClient();
        var cutover = new List<double>();
        var rollback = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var next = place with { PolicyVersion = "1.1.0" };
            var round = Guid.NewGuid();
            await target.DeployGreen(new DeployGreen(round, DateTimeOffset.UtcNow, next, green), CancellationToken.None);
            cutover.Add(await Switch(http, live, "1.1.0", () => target.CutOver(new CutOverTraffic(round, DateTimeOffset.UtcNow, next, Color.Green), CancellationToken.None)));
            rollback.Add(await Switch(http, live, "1.0.0", () => target.RollBack(new RollBackDeployment(round, DateTimeOffset.UtcNow, next, "benchmark"), CancellationToken.None)));
        }

        Console.WriteLine($"cutover: p50 {Percentiles.Of([.. cutover.Order()], 50):F2} ms, p95 {Percentiles.Of([.. cutover.Order()], 95):F2} ms; " +
            $"rollback: p50 {Percentiles.Of([.. rollback.Order()], 50):F2} ms, p95 {Percentiles.Of([.. rollback.Order()], 95):F2} ms (goal p95 < 100 ms); 20 rounds");
        Directory.Delete(folder, recursive: true);
        return 0;
    }

    /// <summary>From the command to the first request answered by the expected version; every later one is (the switch is a single reference).</summary>
    private static async Task<double> Switch(HttpClient http, Uri live, string expected, Func<Task> command)
    {
        var started = Stopwatch.GetTimestamp();
        await command();
        while ((await http.GetFromJsonAsync<JsonObject>(new Uri(live, "v1/policy")))!["version"]!.GetValue<string>() != expected)
        {
        }

        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static async Task<ImageReference> Image(IImageStore store, string version)
    {
        var yaml = File.ReadAllText(Path.Combine("examples", "haz-fast", $"v{version}.yaml"));
        var image = new PolicyImageBuilder().Build(PolicyValidator.Validate(yaml).Policy!, yaml, new ExecutorArtifact([1]), DateTimeOffset.UnixEpoch);
        await store.PushImage("osha/haz-fast", image, version);
        return new ImageReference("osha/haz-fast", image.Digest);
    }
}
