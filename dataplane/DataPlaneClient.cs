using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Bpdp.Contracts;

namespace Bpdp.DataPlane;

/// <summary>The data plane of another process, over its Unix socket.</summary>
public sealed class DataPlaneClient : IDataPlane, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient http;

    public DataPlaneClient(string socket, TimeSpan timeout)
    {
        Socket = socket;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (_, cancel) =>
            {
                var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await connection.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancel);
                    return new NetworkStream(connection, ownsSocket: true);
                }
                catch
                {
                    connection.Dispose();
                    throw;
                }
            },
        };
        http = new HttpClient(handler) { BaseAddress = new Uri("http://dataplane/"), Timeout = timeout };
    }

    public string Socket { get; }

    /// <summary>Whether a data plane answers on the socket.</summary>
    public async Task<bool> Answers(CancellationToken cancel)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("healthz", UriKind.Relative), cancel);
            return response.IsSuccessStatusCode;
        }
        catch (Exception error) when (error is HttpRequestException || (error is TaskCanceledException && !cancel.IsCancellationRequested))
        {
            return false;
        }
    }

    public Task<SlotView> Open(SlotKey key, CancellationToken cancel) => Send<SlotView>(HttpMethod.Put, Path(key), null, cancel);

    public Task<ExecutorView> Run(SlotKey key, Color color, ExecutorSpec spec, CancellationToken cancel) =>
        Send<ExecutorView>(HttpMethod.Put, $"{Path(key)}/executors/{color}", spec, cancel);

    public async Task Stop(SlotKey key, Color color, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri($"{Path(key)}/executors/{color}", UriKind.Relative));
        using var response = await Answer(request, cancel);
        await Ensure(response, cancel);
    }

    public Task<SlotView> Route(SlotKey key, SlotRoutes routes, CancellationToken cancel) => Send<SlotView>(HttpMethod.Put, $"{Path(key)}/routes", routes, cancel);

    public Task<IReadOnlyList<SlotView>> Slots(CancellationToken cancel) => Send<IReadOnlyList<SlotView>>(HttpMethod.Get, "v1/slots", null, cancel);

    /// <summary>Asks the data plane to stop every proxy and executor and exit.</summary>
    public async Task StopAll(CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/stop", UriKind.Relative));
        using var response = await Answer(request, cancel);
        await Ensure(response, cancel);
    }

    private async Task<T> Send<T>(HttpMethod method, string path, object? body, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : JsonContent.Create(body, options: Json) };
        using var response = await Answer(request, cancel);
        await Ensure(response, cancel);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancel) ?? throw new DataPlaneUnavailableException($"the data plane at {Socket} answered {path} with nothing");
    }

    private async Task<HttpResponseMessage> Answer(HttpRequestMessage request, CancellationToken cancel)
    {
        try
        {
            return await http.SendAsync(request, cancel);
        }
        catch (Exception error) when (error is HttpRequestException || (error is TaskCanceledException && !cancel.IsCancellationRequested))
        {
            throw new DataPlaneUnavailableException($"the data plane at {Socket} did not answer {request.Method} {request.RequestUri}: {error.Message}", error);
        }
    }

    private async Task Ensure(HttpResponseMessage response, CancellationToken cancel)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancel);
        var reason = text.Length > 0 && text.TrimStart().StartsWith('{') && JsonNodeError(text) is { } error ? error : text;
        var request = response.RequestMessage;
        var what = $"the data plane at {Socket} answered {(int)response.StatusCode} to {request?.Method} {request?.RequestUri?.AbsolutePath}: {reason}";
        throw response.StatusCode == System.Net.HttpStatusCode.UnprocessableEntity ? new DataPlaneRefusedException(reason) : new DataPlaneUnavailableException(what);
    }

    private static string? JsonNodeError(string text)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(text)?["error"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Path(SlotKey key) =>
        $"v1/slots/{Uri.EscapeDataString(key.Agency)}/{Uri.EscapeDataString(key.Environment)}/{Uri.EscapeDataString(key.Policy)}";

    public void Dispose() => http.Dispose();
}
