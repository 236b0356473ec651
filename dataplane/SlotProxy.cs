using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Bpdp.DataPlane;

/// <summary>
/// A slot's "service": a YARP forwarder on two ports — live and preview — whose destinations are plain
/// references, so moving traffic is one atomic pointer swap: a request already forwarded finishes where it
/// went, every later one goes to the new destination. No destination answers 503.
/// </summary>
public sealed class SlotProxy : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpMessageInvoker client;
    private Uri? live;
    private Uri? preview;

    private SlotProxy(WebApplication app, HttpMessageInvoker client, Uri liveEndpoint, Uri previewEndpoint)
    {
        this.app = app;
        this.client = client;
        LiveEndpoint = liveEndpoint;
        PreviewEndpoint = previewEndpoint;
    }

    public Uri LiveEndpoint { get; }

    public Uri PreviewEndpoint { get; }

    public Uri? Live => Volatile.Read(ref live);

    public Uri? Preview => Volatile.Read(ref preview);

    /// <summary>Listens on <paramref name="livePort"/> and <paramref name="previewPort"/>: the ports a slot keeps for its life, across restarts.</summary>
    public static async Task<SlotProxy> Start(string listenAddress, int livePort, int previewPort, CancellationToken cancel)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(livePort);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(previewPort);
        var builder = WebApplication.CreateSlimBuilder([HostSettings.NoConfigReload]);
        builder.Logging.ClearProviders();
        var address = IPAddress.Parse(listenAddress);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, livePort);
            kestrel.Listen(address, previewPort);
        });
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        var client = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(5) });
        var self = new SlotProxy(app, client, new Uri($"http://{listenAddress}:{livePort}/"), new Uri($"http://{listenAddress}:{previewPort}/"));
        app.Map("{**path}", async (HttpContext context, IHttpForwarder forwarder) =>
        {
            var destination = context.Connection.LocalPort == livePort ? self.Live : self.Preview;
            if (destination is null)
            {
                context.Response.StatusCode = (int)HttpStatusCode.ServiceUnavailable;
                await context.Response.WriteAsync("no color is serving here yet");
                return;
            }

            await forwarder.SendAsync(context, destination.ToString(), client, ForwarderRequestConfig.Empty, HttpTransformer.Default);
        });
        try
        {
            await app.StartAsync(cancel);
        }
        catch
        {
            await app.DisposeAsync();
            client.Dispose();
            throw;
        }

        return self;
    }

    public void Point(Uri? liveDestination, Uri? previewDestination)
    {
        Volatile.Write(ref live, liveDestination);
        Volatile.Write(ref preview, previewDestination);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        client.Dispose();
    }
}
