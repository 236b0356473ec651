using System.Net.Sockets;

namespace Bpdp.IntegrationTests.Servers;

/// <summary>The Docker engine named by DOCKER_HOST (or the default socket), spoken to over its HTTP API.</summary>
/// <remarks>
/// Plain HTTP rather than Docker.DotNet: Testcontainers brings Docker.DotNet.Enhanced, whose types share
/// Docker.DotNet's namespace, so the two cannot both be referenced here without extern aliases.
/// </remarks>
public static class DockerEngine
{
    public static Uri Endpoint { get; } = new(Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/run/docker.sock");

    /// <summary>An HTTP client whose requests reach the engine, whether it listens on a unix socket or TCP.</summary>
    public static HttpClient CreateHttpClient()
    {
        if (Endpoint.Scheme != "unix")
        {
            return new HttpClient { BaseAddress = new UriBuilder(Endpoint) { Scheme = "http" }.Uri, Timeout = TimeSpan.FromSeconds(30) };
        }

        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(Endpoint.AbsolutePath), cancel);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri("http://docker/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public static async Task<bool> IsReachable()
    {
        try
        {
            using var http = CreateHttpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            using var response = await http.GetAsync(new Uri("_ping", UriKind.Relative), timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception error) when (error is HttpRequestException or SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }
}
