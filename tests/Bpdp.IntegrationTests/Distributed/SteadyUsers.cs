using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Bpdp.IntegrationTests.Distributed;

/// <summary>
/// Users of a live service: cases at a steady 25 per second, counting every request that did not get a 2xx —
/// a refused connection, a 502 or a 503 from a switch would all count.
/// </summary>
public sealed class SteadyUsers : IAsyncDisposable
{
    private readonly Uri live;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly CancellationTokenSource stop = new();
    private readonly Task running;
    private long sent;
    private long failed;

    public SteadyUsers(Uri live)
    {
        this.live = live;
        running = Run();
    }

    public long Sent => Interlocked.Read(ref sent);

    public long Failed => Interlocked.Read(ref failed);

    public async Task<string> LiveVersion() => (await http.GetFromJsonAsync<JsonObject>(new Uri(live, "v1/policy")))!["version"]!.GetValue<string>();

    public async Task Stop()
    {
        await stop.CancelAsync();
        await running;
    }

    private async Task Run()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(40));
        var incident = new { injuries = 1, severity = "minor", fatality = false, workers = 55, industry = "other", incidentOn = "2026-11-07" };
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                Interlocked.Increment(ref sent);
                try
                {
                    using var response = await http.PostAsJsonAsync(new Uri(live, "v1/evaluate"), incident, stop.Token);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (Exception error) when (error is HttpRequestException || (error is TaskCanceledException && !stop.IsCancellationRequested))
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await Stop();
        }

        http.Dispose();
        stop.Dispose();
    }
}
