using Bpdp.Executor;
using Bpdp.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Bpdp.UnitTests.Executor;

/// <summary>An executor serving real HTTP on a free loopback port for one test, stopped when disposed.</summary>
internal sealed record ServedExecutor(WebApplication App, HttpClient Http) : IAsyncDisposable
{
    /// <summary>An executor serving <paramref name="yaml"/> as its green color, started and ready; <paramref name="configure"/> changes its options further.</summary>
    public static async Task<ServedExecutor> Start(string yaml, Action<ExecutorOptions>? configure = null)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("bpdp-executor-").FullName, "policy.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var app = ExecutorApp.Build(["--urls", "http://127.0.0.1:0"], options =>
        {
            options.PolicyPath = path;
            options.Color = "green";
            configure?.Invoke(options);
        }, logging => logging.ClearProviders());
        await app.StartAsync();
        var served = new ServedExecutor(app, new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
        await Eventually.Holds(async () => (await served.Http.GetAsync("/readyz")).IsSuccessStatusCode, "the executor serves the policy");
        return served;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
