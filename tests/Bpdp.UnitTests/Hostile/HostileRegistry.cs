using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bpdp.UnitTests.Hostile;

/// <summary>
/// A registry that answers as its test says, over real HTTP on a loopback port: oversize, truncated or lying responses
/// travel through the same sockets, headers and chunking a real registry's would.
/// </summary>
internal sealed class HostileRegistry : IAsyncDisposable
{
    private readonly WebApplication app;

    private HostileRegistry(WebApplication app) => this.app = app;

    /// <summary>What the registry answers; the test replaces it between requests.</summary>
    public Func<HttpContext, Task> Answer { get; set; } = context =>
    {
        context.Response.StatusCode = 404;
        return Task.CompletedTask;
    };

    public int Requests { get; private set; }

    public Uri Url => new(app.Urls.First());

    public static async Task<HostileRegistry> Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var registry = new HostileRegistry(app);
        app.Run(context =>
        {
            registry.Requests++;
            return registry.Answer(context);
        });
        await app.StartAsync();
        return registry;
    }

    /// <summary>Answers with <paramref name="content"/> and its true length.</summary>
    public static async Task Body(HttpContext context, byte[] content, string type = "application/octet-stream")
    {
        context.Response.ContentType = type;
        context.Response.ContentLength = content.Length;
        await context.Response.Body.WriteAsync(content);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
