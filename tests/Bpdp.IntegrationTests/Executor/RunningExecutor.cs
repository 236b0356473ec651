using Bpdp.Executor;
using Microsoft.AspNetCore.Builder;

namespace Bpdp.IntegrationTests.Executor;

/// <summary>An executor serving real HTTP on a free loopback port, for one test.</summary>
public sealed class RunningExecutor : IAsyncDisposable
{
    private readonly WebApplication app;

    private RunningExecutor(WebApplication app, HttpClient http)
    {
        this.app = app;
        Http = http;
    }

    public HttpClient Http { get; }

    public static async Task<RunningExecutor> Start(string policyPath, string color = "green")
    {
        var app = ExecutorApp.Build(["--urls", "http://127.0.0.1:0"], options =>
        {
            options.PolicyPath = policyPath;
            options.Color = color;
            options.RetryInterval = TimeSpan.FromMilliseconds(100);
        });
        await app.StartAsync();
        return new RunningExecutor(app, new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
    }

    private bool disposed;

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
