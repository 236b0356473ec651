using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace Bpdp.Rollout.Traffic;

/// <summary>
/// The local "service": a YARP forwarder on two stable ports — live and preview — whose destinations are
/// plain references, so moving traffic is one atomic pointer swap: a request already forwarded finishes
/// where it went, every later one goes to the new color. No destination answers 503.
/// </summary>
public sealed class TrafficSwitch : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpMessageInvoker client;
    private readonly int livePort;
    private Uri? live;
    private Uri? preview;

    private TrafficSwitch(WebApplication app, HttpMessageInvoker client, int livePort, Uri liveEndpoint, Uri previewEndpoint)
    {
        this.app = app;
        this.client = client;
        this.livePort = livePort;
        LiveEndpoint = liveEndpoint;
        PreviewEndpoint = previewEndpoint;
    }

    public Uri LiveEndpoint { get; }

    public Uri PreviewEndpoint { get; }

    public Uri? Live => Volatile.Read(ref live);

    public Uri? Preview => Volatile.Read(ref preview);

    public static async Task<TrafficSwitch> Start(string listenAddress, CancellationToken cancel)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{listenAddress}:0", $"http://{listenAddress}:0");
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        TrafficSwitch? self = null;
        var client = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(5) });
        app.Map("{**path}", async (HttpContext context, IHttpForwarder forwarder) =>
        {
            var destination = context.Connection.LocalPort == self!.livePort ? self.Live : Volatile.Read(ref self.preview);
            if (destination is null)
            {
                context.Response.StatusCode = (int)HttpStatusCode.ServiceUnavailable;
                await context.Response.WriteAsync("no color is serving here yet");
                return;
            }

            await forwarder.SendAsync(context, destination.ToString(), client, ForwarderRequestConfig.Empty, HttpTransformer.Default);
        });
        await app.StartAsync(cancel);
        var urls = app.Urls.Select(u => new Uri(u + "/")).ToList();
        self = new TrafficSwitch(app, client, urls[0].Port, urls[0], urls[1]);
        return self;
    }

    /// <summary>Points live traffic at <paramref name="destination"/> (null: nothing serves).</summary>
    public void SwitchLive(Uri? destination) => Volatile.Write(ref live, destination);

    public void SwitchPreview(Uri? destination) => Volatile.Write(ref preview, destination);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        client.Dispose();
    }
}
