using System.Net.Http.Json;

namespace Bpdp.Pipeline.Traffic;

/// <summary>Users of the live service: a steady stream of cases against its endpoint, counting what failed.</summary>
public sealed class SteadyLoad(Uri live, int perSecond) : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private Task? running;
    private long sent;
    private long failed;

    public long Sent => Interlocked.Read(ref sent);

    public long Failed => Interlocked.Read(ref failed);

    public void Start() => running = Run();

    private async Task Run()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / perSecond));
        var cases = new object[]
        {
            new { injuries = 1, severity = "minor", fatality = false, workers = 55, industry = "other", incidentOn = "2026-11-07" },
            new { injuries = 3, severity = "serious", fatality = false, hospitalized = 0, workers = 300, industry = "warehousing", incidentOn = "2026-11-05" },
            new { injuries = 1, severity = "critical", fatality = true, workers = 40, industry = "manufacturing", incidentOn = "2026-11-02" },
        };
        var next = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                Interlocked.Increment(ref sent);
                try
                {
                    using var response = await http.PostAsJsonAsync(new Uri(live, "v1/evaluate"), cases[next++ % cases.Length], stop.Token);
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

    /// <summary>Stops sending and waits for the request in flight; the counts are final after it.</summary>
    public async Task Stop()
    {
        await stop.CancelAsync();
        if (running is not null)
        {
            await running;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stop();
        http.Dispose();
        stop.Dispose();
    }
}
