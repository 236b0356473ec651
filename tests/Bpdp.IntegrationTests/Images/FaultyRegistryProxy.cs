using System.Net;
using Bpdp.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bpdp.IntegrationTests.Images;

/// <summary>
/// Forwards to the real registry, except the requests a test chooses to fail: the registry's own
/// behaviour everywhere else, and a registry that breaks mid-push where the test needs one.
/// </summary>
public sealed class FaultyRegistryProxy : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpClient upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    private FaultyRegistryProxy(WebApplication app) => this.app = app;

    public string Host { get; private init; } = "";

    public int Failed;

    public static async Task<FaultyRegistryProxy> Start(string registry, Func<HttpRequest, HttpStatusCode?> fault)
    {
        var port = FreeTcpPort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var proxy = new FaultyRegistryProxy(app) { Host = $"127.0.0.1:{port}" };
        app.Run(context => proxy.Forward(context, registry, fault));
        await app.StartAsync();
        return proxy;
    }

    private async Task Forward(HttpContext context, string registry, Func<HttpRequest, HttpStatusCode?> fault)
    {
        if (fault(context.Request) is { } status)
        {
            Interlocked.Increment(ref Failed);
            context.Response.StatusCode = (int)status;
            await context.Response.WriteAsync("""{"errors":[{"code":"UNAVAILABLE","message":"injected fault"}]}""");
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), $"http://{registry}{context.Request.Path}{context.Request.QueryString}");
        if (context.Request.ContentLength > 0 || context.Request.Headers.ContainsKey("Transfer-Encoding"))
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values) && request.Content is not null)
            {
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            }
        }

        // The registry writes upload locations from the Host it was asked on; they must lead back here.
        request.Headers.Host = Host;
        using var response = await upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        upstream.Dispose();
    }
}
