using Bpdp.Contracts;
using Bpdp.DataPlane;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.UnitTests.DataPlane;

/// <summary>
/// The data plane keeps what it serves in its state file: a new run serves the same slots on the same ports, routed
/// as before, with the executor the state names — adopted when its launcher can, launched again on its port when not.
/// </summary>
public sealed class HostDataPlaneTests : IAsyncLifetime
{
    private static readonly SlotKey Key = new("osha", "production", "haz-fast");
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-dataplane-").FullName;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CountingLauncher launcher = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        http.Dispose();
        await launcher.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_restarted_data_plane_serves_the_same_ports_routes_and_executors()
    {
        var state = new StateFile(Path.Combine(folder, "dataplane.json"));
        var spec = new ExecutorSpec(folder, "sha256:" + new string('a', 64), Guid.NewGuid(), DateTimeOffset.UnixEpoch);
        SlotView first;
        await using (var plane = await HostDataPlane.Restore("127.0.0.1", launcher, state, NullLogger.Instance, CancellationToken.None))
        {
            var blue = await plane.Run(Key, Color.Blue, spec, CancellationToken.None);
            first = await plane.Route(Key, new SlotRoutes(blue.Address, null, Color.Green), CancellationToken.None);
            Assert.Equal("blue", await http.GetStringAsync(first.LiveEndpoint));
            Assert.Equal(503, (int)(await http.GetAsync(first.PreviewEndpoint)).StatusCode);
        }

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(first.LiveEndpoint));
        await using (var restarted = await HostDataPlane.Restore("127.0.0.1", launcher, state, NullLogger.Instance, CancellationToken.None))
        {
            var again = Assert.Single(await restarted.Slots(CancellationToken.None));
            Assert.Equal((first.LiveEndpoint, first.PreviewEndpoint, first.Routes), (again.LiveEndpoint, again.PreviewEndpoint, again.Routes));
            var executor = Assert.Single(again.Executors);
            Assert.Equal((Color.Blue, spec.DeploymentId, first.Executors[0].Address), (executor.Color, executor.DeploymentId, executor.Address));
            Assert.Equal("blue", await http.GetStringAsync(again.LiveEndpoint));
            Assert.Equal((2, 1), (launcher.Launched, launcher.AdoptionsAsked));
        }
    }

    [Fact]
    public async Task A_state_file_that_is_not_one_is_refused_naming_it()
    {
        var path = Path.Combine(folder, "dataplane.json");
        await File.WriteAllTextAsync(path, "{ not json");
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => HostDataPlane.Restore("127.0.0.1", launcher, new StateFile(path), NullLogger.Instance, CancellationToken.None));
        Assert.StartsWith($"{path} is not a data plane state file", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Executors that answer their color's name on their port; none outlives its data plane (as after a reboot), so none can be adopted.</summary>
    private sealed class CountingLauncher : IExecutorLauncher, IAsyncDisposable
    {
        private readonly List<WebApplication> apps = [];

        public int Launched { get; private set; }

        public int AdoptionsAsked { get; private set; }

        public async Task<IRunningExecutor> Launch(ExecutorLaunch launch, CancellationToken cancel)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls(launch.Address.ToString().TrimEnd('/'));
            var app = builder.Build();
            app.MapGet("/", () => launch.Color.ToString().ToLowerInvariant());
            await app.StartAsync(cancel);
            apps.Add(app);
            Launched++;
            return new Running(app, launch.Address);
        }

        public IRunningExecutor? Adopt(ExecutorLaunch launch, int processId)
        {
            AdoptionsAsked++;
            return null;
        }

        public void StopOrphans(IReadOnlySet<int> kept)
        {
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }

        private sealed class Running(WebApplication app, Uri address) : IRunningExecutor
        {
            public Uri Address { get; } = address;

            public int? ProcessId => 4_194_304;

            public event Action? Restarted
            {
                add { }
                remove { }
            }

            public void Release() => app.StopAsync().GetAwaiter().GetResult();

            public async ValueTask DisposeAsync() => await app.StopAsync();
        }
    }
}
