using Microsoft.AspNetCore.Builder;

namespace Bpdp.UnitTests.Executor;

/// <summary>An executor serving real HTTP on a free loopback port for one test, stopped when disposed.</summary>
internal sealed record ServedExecutor(WebApplication App, HttpClient Http) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
