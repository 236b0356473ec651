using System.Net.Http.Json;
using Bpdp.Policy.Model;

namespace Bpdp.KpiGate.Smoke;

/// <summary>
/// Replays the policy's samples and their variations against an endpoint at a steady rate, like Flagger's
/// load tester, until cancelled. Requests are not awaited one by one, so a slow answer does not slow the
/// rate; at most 64 are in flight.
/// </summary>
public sealed class SmokeTraffic(HttpClient http, TimeProvider time)
{
    public int Sent => sent;

    public int Failed => failed;

    private int sent;
    private int failed;

    public async Task Run(Uri endpoint, PolicyModule module, double perSecond, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (perSecond <= 0 || module.Samples.Count == 0)
        {
            return;
        }

        var cases = new SampleVariations(module, seed: endpoint.GetHashCode());
        var inFlight = new SemaphoreSlim(64);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / perSecond), time);
        var pending = new List<Task>();
        try
        {
            while (await timer.WaitForNextTickAsync(cancel))
            {
                if (!inFlight.Wait(0))
                {
                    continue;
                }

                pending.RemoveAll(t => t.IsCompleted);
                pending.Add(Send(endpoint, cases.Next(), inFlight, cancel));
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }

        await Task.WhenAll(pending);
    }

    private async Task Send(Uri endpoint, IReadOnlyDictionary<string, object?> input, SemaphoreSlim inFlight, CancellationToken cancel)
    {
        try
        {
            Interlocked.Increment(ref sent);
            using var response = await http.PostAsJsonAsync(new Uri(endpoint, "v1/evaluate"), input, cancel);
            if ((int)response.StatusCode >= 500)
            {
                Interlocked.Increment(ref failed);
            }
        }
        catch (Exception error) when (error is HttpRequestException or OperationCanceledException)
        {
            if (!cancel.IsCancellationRequested)
            {
                Interlocked.Increment(ref failed);
            }
        }
        finally
        {
            inFlight.Release();
        }
    }
}
